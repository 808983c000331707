"""Posting to Microsoft Teams through a Teams Workflows webhook (the Office 365 connectors are
retired): an Adaptive Card (version 1.4, what Workflows accepts) in a message, by a plain HTTPS
POST. No library: the card is a small JSON document, checked against the schema of the elements
used (``teams_card_schema.json``)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

CARD_VERSION = "1.4"
SCHEMA = Path(__file__).parent / "data" / "teams_card_schema.json"
TIMEOUT_SECONDS = 10


class WebhookRefused(Exception):
    """The webhook did not take the card; the message says what it answered."""


def card(
    *,
    title: str,
    text: str = "",
    facts: Sequence[tuple[str, str]] = (),
    link: tuple[str, str] | None = None,
) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True}
    ]
    if text:
        body.append({"type": "TextBlock", "text": text, "wrap": True})
    if facts:
        body.append({"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in facts]})
    adaptive: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
    }
    if link is not None:
        adaptive["actions"] = [{"type": "Action.OpenUrl", "title": link[0], "url": link[1]}]
    return adaptive


def message(adaptive: dict[str, Any]) -> dict[str, Any]:
    """The message a Workflows webhook takes: the card as its one attachment."""
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": adaptive,
            }
        ],
    }


def webhook_problem(url: str) -> str | None:
    """Why an address cannot be a Teams webhook, or None. HTTPS, to a host of Microsoft's
    workflow services (``TRACKER_TEAMS_WEBHOOK_HOSTS``): nothing else on the network is ever
    posted to."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (
        parts.scheme == "http" and not settings.TRACKER_TEAMS_HTTPS_ONLY
    ):
        return "The address must start with https://."
    host = (parts.hostname or "").lower()
    allowed = [h.lower() for h in settings.TRACKER_TEAMS_WEBHOOK_HOSTS]
    if not any(host == h or host.endswith(f".{h}") for h in allowed):
        return (
            "That is not a Teams Workflows address: it must be on "
            + " or ".join(allowed)
            + ". Copy it from the workflow 'Post to a channel when a webhook request is received'."
        )
    return None


def post(url: str, adaptive: dict[str, Any]) -> None:
    problem = webhook_problem(url)
    if problem:
        raise WebhookRefused(problem)
    request = urllib.request.Request(
        url,
        data=json.dumps(message(adaptive)).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise WebhookRefused(f"Teams answered {error.code} {error.reason}.") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise WebhookRefused(f"Teams could not be reached: {reason}.") from error
    if status >= 300:
        raise WebhookRefused(f"Teams answered {status}.")
