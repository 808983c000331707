"""Each source's response duty: who answers a report, to whom, within what period, counted from
when, who may give more time and who publishes the answer. The s.55 clock is the HMICFRS
instance of it. One definition, read by the report's ``response_due`` and every page, letter,
reminder and export that shows the response date."""

import datetime
from dataclasses import dataclass

from .choices import Responder, Source
from .deadlines import add_months


@dataclass(frozen=True)
class ResponseDuty:
    source: Source
    issuer: str  # the body's name where a report does not give one: "HMICFRS"
    report_words: str  # what a letter calls the report: "prevention of future deaths report"
    name: str  # what the response is called: "s.55 response"
    recipient: str  # who the response goes to
    responder: Responder
    law: str  # where the duty comes from, in words a reader can look up
    days: int | None = None  # the period, in days...
    months: int | None = None  # ...or in calendar months
    from_sent: bool = False  # counted from the day the report was sent, not its publication
    # s.55's 56 days begin *with* publication day (the last day is day 56); a coroner's "within
    # 56 days of the date of this report" and the IOPC's run from the day after.
    begins_with_start: bool = False
    extended_by: str = ""  # who may give more time ("" where no one may)
    published_by: str = ""  # who publishes the response ("" where it is not published)
    # The recipient a national administrator keeps in the reference data (name, address, when
    # last confirmed), by its key; "" where the letter is addressed to the body that made the
    # recommendations, by the name the report gives it.
    recipient_key: str = ""
    # Whether pages and reminders name the response beside its report ("... (response to the
    # coroner)"): every response but the s.55 one, the register's own.
    named: bool = True

    @property
    def has_period(self) -> bool:
        return self.days is not None or self.months is not None

    @property
    def takes_a_given_date(self) -> bool:
        """Whether a date given by someone else stands as the due date: an extension, where the
        recommender may extend, or the date set where no period is laid down."""
        return bool(self.extended_by) or not self.has_period

    @property
    def period_words(self) -> str:
        if self.days is not None:
            return f"within {self.days} days"
        if self.months is not None:
            return f"within {self.months} months"
        return "by the date set"

    def start(
        self, published: datetime.date | None, sent_on: datetime.date | None
    ) -> datetime.date | None:
        """The day the period counts from: the day the report was sent, where the duty counts
        from it and it is known, else publication day."""
        return sent_on if self.from_sent and sent_on is not None else published

    def due(
        self,
        *,
        published: datetime.date | None,
        sent_on: datetime.date | None = None,
        given: datetime.date | None = None,
    ) -> datetime.date | None:
        """The last day for the response: the date given (an extension, or the date set) where
        the duty takes one; else the period's last day: 56 days beginning with 11 July is 4
        September (s.55), 56 days of 15 March is 10 May (a coroner's report); none without a
        period or a start."""
        if given is not None and self.takes_a_given_date:
            return given
        start = self.start(published, sent_on)
        if start is None or not self.has_period:
            return None
        first_day = datetime.timedelta(days=1 if self.begins_with_start else 0)
        if self.days is not None:
            return start + datetime.timedelta(days=self.days) - first_day
        assert self.months is not None
        return add_months(start, self.months) - first_day


DUTIES: dict[str, ResponseDuty] = {
    duty.source: duty
    for duty in (
        # Police Act 1996 s.55: comments are due within 56 days *beginning with* the day of
        # publication, so the last day is publication + 55.
        ResponseDuty(
            source=Source.HMICFRS,
            issuer="HMICFRS",
            report_words="inspection report",
            name="s.55 response",
            recipient="the Home Secretary",
            responder=Responder.OFFICE,
            law="section 55 of the Police Act 1996",
            days=56,
            begins_with_start=True,
            published_by="the office, on its website",
            recipient_key="home-secretary",
            named=False,
        ),
        ResponseDuty(
            source=Source.IOPC,
            issuer="the IOPC",
            report_words="IOPC learning recommendations",
            name="response to the IOPC",
            recipient="the Independent Office for Police Conduct",
            responder=Responder.FORCE,
            law="paragraph 28A of Schedule 3 to the Police Reform Act 2002",
            days=56,
            from_sent=True,
            extended_by="the IOPC",
            published_by="the IOPC, beside its recommendation",
        ),
        ResponseDuty(
            source=Source.CORONER,
            issuer="HM Coroner",
            report_words="prevention of future deaths report",
            name="response to the coroner",
            recipient="the coroner",
            responder=Responder.FORCE,
            law="regulation 29 of the Coroners (Investigations) Regulations 2013",
            days=56,
            from_sent=True,
            extended_by="the coroner",
            published_by="the Chief Coroner, beside the report",
        ),
        ResponseDuty(
            source=Source.INQUIRY,
            issuer="the inquiry",
            report_words="inquiry's report",
            name="response to the inquiry",
            recipient="the inquiry",
            responder=Responder.FORCE,
            law="the inquiry's own request",
            months=6,
            extended_by="the inquiry",
            published_by="the inquiry",
        ),
        ResponseDuty(
            source=Source.INTERNAL_AUDIT,
            issuer="internal audit",
            report_words="internal audit report",
            name="management response",
            recipient="the joint audit committee",
            responder=Responder.FORCE,
            law="the joint audit committee's terms of reference",
        ),
        ResponseDuty(
            source=Source.OTHER,
            issuer="the recommender",
            report_words="report",
            name="response",
            recipient="the body that made the recommendations",
            responder=Responder.OFFICE,
            law="as the report says",
        ),
    )
}


def duty_of(source: str) -> ResponseDuty:
    return DUTIES[source]
