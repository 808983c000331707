"""Sign in with Microsoft (Entra ID) through django-allauth: an OpenID Connect provider whose ID
token is checked against the issuer of the tenant that signed it, and an adapter that lets a
person in only through an invitation or a tenant's rule, linked on the token's tid + oid."""
