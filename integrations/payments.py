"""Checkout pages at payment providers: a held booking's "Pay now" link leads to one.

The invitee's link points at chatcal (``/v1/manage/{token}/pay``); only when it is followed does
chatcal ask the provider for a checkout page and redirect there. So no provider call ever runs inside
a booking or a chat turn, and a link sent in chat never goes stale before it is used.
"""

from dataclasses import dataclass
from typing import Protocol

import razorpay
import stripe
from stripe.params.checkout import SessionCreateParams

MAX_NETWORK_RETRIES = 2
"""Stripe's SDK retries connection errors, 409s, 429s and 5xx with backoff, honouring Retry-After."""


class PaymentUnavailable(Exception):
    """The provider refused the checkout or could not be reached; the message says which."""


@dataclass(frozen=True, slots=True)
class Checkout:
    """What one payment is for. ``amount`` is in the currency's minor unit (cents, paise)."""

    reference: str  # the booking uid; it comes back with the provider's payment event
    title: str
    amount: int
    currency: str
    email: str | None
    return_url: str  # where the payer lands afterwards (paid or not): the booking's manage page


class PaymentLinks(Protocol):
    """A provider that hosts checkout pages."""

    def checkout_url(self, checkout: Checkout) -> str:
        """The page where ``checkout`` is paid; the same page again for the same reference."""
        ...


class StripeCheckout:
    """Stripe Checkout Sessions (``POST /v1/checkout/sessions``), through the official SDK."""

    def __init__(self, api_key: str, api_base: str | None = None) -> None:
        self.client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base.rstrip("/")} if api_base else None,
            max_network_retries=MAX_NETWORK_RETRIES,
        )

    def checkout_url(self, checkout: Checkout) -> str:
        """A Checkout Session; the idempotency key makes a second click return the same session."""
        params: SessionCreateParams = {
            "mode": "payment",
            "client_reference_id": checkout.reference,
            "metadata": {"booking_uid": checkout.reference},
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": checkout.currency.lower(),
                        "unit_amount": checkout.amount,
                        "product_data": {"name": checkout.title},
                    },
                }
            ],
            "success_url": checkout.return_url,
            "cancel_url": checkout.return_url,
        }
        if checkout.email:
            params["customer_email"] = checkout.email
        try:
            session = self.client.v1.checkout.sessions.create(
                params, {"idempotency_key": f"chatcal-checkout-{checkout.reference}"}
            )
        except stripe.StripeError as exc:
            raise PaymentUnavailable(f"Stripe: {exc.user_message or exc}") from exc
        if not session.url:
            raise PaymentUnavailable("Stripe returned a checkout session without a page")
        return session.url


RAZORPAY_REFUSALS = (
    razorpay.errors.BadRequestError,
    razorpay.errors.ServerError,
    razorpay.errors.GatewayError,
)


class RazorpayLinks:
    """Razorpay Payment Links (``POST /v1/payment_links``), through the official SDK.

    Razorpay refuses a second link with the same ``reference_id``, so an open link for the booking is
    looked up first and reused: a second click opens the same page.
    """

    def __init__(self, key_id: str, key_secret: str, base_url: str | None = None) -> None:
        options = {"base_url": base_url.rstrip("/")} if base_url else {}
        self.client = razorpay.Client(auth=(key_id, key_secret), **options)

    def checkout_url(self, checkout: Checkout) -> str:
        try:
            found = self.client.payment_link.all({"reference_id": checkout.reference})
            usable = [link for link in found.get("payment_links", []) if link.get("status") == "created"]
            link = usable[0] if usable else self.client.payment_link.create(self._link(checkout))
        except RAZORPAY_REFUSALS as exc:
            raise PaymentUnavailable(f"Razorpay: {exc}") from exc
        except OSError as exc:  # requests' connection errors
            raise PaymentUnavailable(f"Razorpay could not be reached: {exc}") from exc
        return str(link["short_url"])

    @staticmethod
    def _link(checkout: Checkout) -> dict[str, object]:
        link: dict[str, object] = {
            "amount": checkout.amount,
            "currency": checkout.currency,
            "reference_id": checkout.reference,
            "description": checkout.title,
            "notify": {"email": False, "sms": False},  # the chat already sent the link
            "callback_url": checkout.return_url,
            "callback_method": "get",
        }
        if checkout.email:
            link["customer"] = {"email": checkout.email}
        return link
