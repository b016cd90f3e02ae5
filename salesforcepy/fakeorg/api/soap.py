"""SOAP login: ``POST /services/Soap/u/{version}`` (partner) and ``/services/Soap/c/{version}``
(enterprise).

Requests are matched by namespace URI and local name (any prefix, or a default namespace); the
``SOAPAction`` header is not looked at. The answer uses the namespace of the WSDL in the path, with
the children of ``result`` and ``userInfo`` in the order real responses have. Failures are HTTP 500
SOAP faults with an ``sf:``-prefixed ``faultcode`` in the WSDL's fault namespace. ``login()`` does
not exist from API 65.0 on: those versions (like retired ones) get ``UNSUPPORTED_API_VERSION``.
"""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from werkzeug.wrappers import Response

from ..errors import SalesforceError
from . import Context, HttpError, Routes, xml_response

SOAPENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12ENV = "http://www.w3.org/2003/05/soap-envelope"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NAMESPACES = {"u": "urn:partner.soap.sforce.com", "c": "urn:enterprise.soap.sforce.com"}
FAULT_NAMESPACES = {
    "u": "urn:fault.partner.soap.sforce.com",
    "c": "urn:fault.enterprise.soap.sforce.com",
}
LOGIN_REMOVED_IN = 65.0
INVALID_LOGIN = "Invalid username, password, security token; or user locked out."
CONTENT_TYPE = "text/xml;charset=UTF-8"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


class SoapFault(HttpError):
    """A SOAP fault (HTTP 500)."""

    def __init__(
        self,
        code: str,
        message: str,
        fault_type: str = "UnexpectedErrorFault",
        *,
        client: bool = False,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.fault_type = fault_type
        self.client = client  # a malformed request: soapenv:Client, no sf detail

    def to_response(self, ctx: Context) -> Response:
        wsdl = ctx.args.get("wsdl", "u")
        sf = FAULT_NAMESPACES.get(wsdl, FAULT_NAMESPACES["u"])
        envelope = etree.Element(
            f"{{{SOAPENV}}}Envelope", nsmap={"soapenv": SOAPENV, "sf": sf, "xsi": XSI}
        )
        body = etree.SubElement(envelope, f"{{{SOAPENV}}}Body")
        fault = etree.SubElement(body, f"{{{SOAPENV}}}Fault")
        if self.client:
            etree.SubElement(fault, "faultcode").text = "soapenv:Client"
            etree.SubElement(fault, "faultstring").text = self.message
        else:
            etree.SubElement(fault, "faultcode").text = f"sf:{self.code}"
            etree.SubElement(fault, "faultstring").text = f"{self.code}: {self.message}"
            detail = etree.SubElement(fault, "detail")
            typed = etree.SubElement(detail, f"{{{sf}}}{self.fault_type}")
            typed.set(f"{{{XSI}}}type", f"sf:{self.fault_type}")
            etree.SubElement(typed, f"{{{sf}}}exceptionCode").text = self.code
            etree.SubElement(typed, f"{{{sf}}}exceptionMessage").text = self.message
        return xml_response(envelope, status=500, content_type=CONTENT_TYPE)


def soap_error(ctx: Context, error: SalesforceError) -> Response:
    """Render errors raised before the handler (the version check) as faults."""
    if error.status in (404, 410):
        return SoapFault(
            "UNSUPPORTED_API_VERSION", "Invalid Api version specified on URL"
        ).to_response(ctx)
    return SoapFault(error.error_code, error.message).to_response(ctx)


routes = Routes("soap", auth="none", api_usage=False, errors=soap_error)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


@routes.route("/services/Soap/<any(u, c):wsdl>/<version:version>", methods=["POST"])
def login(ctx: Context) -> Response:
    """POST /services/Soap/u/{version} (or /c/): the SOAP ``login()`` call"""
    wsdl = ctx.args["wsdl"]
    try:
        root = etree.fromstring(ctx.request.get_data(), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SoapFault("", f"Unable to parse the request: {exc}", client=True) from None
    if root.tag not in (f"{{{SOAPENV}}}Envelope", f"{{{SOAP12ENV}}}Envelope"):
        raise SoapFault("", "The request is not a SOAP envelope", client=True)
    body = next((child for child in root if _local(child) == "Body"), None)
    operation = (
        next((child for child in body if isinstance(child.tag, str)), None)
        if body is not None
        else None
    )
    if operation is None:
        raise SoapFault("", "The SOAP body has no operation", client=True)
    if etree.QName(operation).namespace not in NAMESPACES.values() or _local(operation) != "login":
        raise SoapFault("INVALID_OPERATION", f"No operation available for request {operation.tag}")
    if float(ctx.api_version) >= LOGIN_REMOVED_IN:
        raise SoapFault(
            "UNSUPPORTED_API_VERSION",
            f"login() is not available in API version {ctx.api_version} and later",
        )
    fields = {
        _local(child): (child.text or "") for child in operation if isinstance(child.tag, str)
    }
    user = ctx.org.directory.authenticate(
        fields.get("username", ""), fields.get("password", ""), trusted=ctx.is_loopback
    )
    if user is None:
        raise SoapFault("INVALID_LOGIN", INVALID_LOGIN, "LoginFault")
    session = ctx.org.sessions.issue(user.user_id, source="soap")
    return xml_response(
        _login_response(ctx, wsdl, session.token, user.user_id), content_type=CONTENT_TYPE
    )


def _login_response(ctx: Context, wsdl: str, session_id: str, user_id: str) -> etree._Element:
    org = ctx.org
    ns = NAMESPACES[wsdl]
    version = ctx.api_version
    org15 = org.org_id[:15]
    server_url = f"{org.instance_url}/services/Soap/{wsdl}/{version}/{org15}"
    if wsdl == "c":
        # Recorded enterprise responses carry a second id segment after the org id.
        server_url += "/0DF" + org.org_id[3:15]
    record = org.user_record(user_id)
    username = record.get("Username") or user_id
    full_name = record.get("Name") or " ".join(
        p for p in (record.get("FirstName"), record.get("LastName")) if p
    )

    envelope = etree.Element(
        f"{{{SOAPENV}}}Envelope", nsmap={"soapenv": SOAPENV, None: ns, "xsi": XSI}
    )
    body = etree.SubElement(envelope, f"{{{SOAPENV}}}Body")
    response = etree.SubElement(body, f"{{{ns}}}loginResponse")
    result = etree.SubElement(response, f"{{{ns}}}result")

    def add(parent: etree._Element, name: str, value: object) -> None:
        child = etree.SubElement(parent, f"{{{ns}}}{name}")
        if value is None:
            child.set(f"{{{XSI}}}nil", "true")
        elif isinstance(value, bool):
            child.text = "true" if value else "false"
        else:
            child.text = str(value)

    add(result, "metadataServerUrl", f"{org.instance_url}/services/Soap/m/{version}/{org15}")
    add(result, "passwordExpired", False)
    add(result, "sandbox", False)
    add(result, "serverUrl", server_url)
    add(result, "sessionId", session_id)
    add(result, "userId", user_id)
    info = etree.SubElement(result, f"{{{ns}}}userInfo")
    for name, value in (
        ("accessibilityMode", False),
        ("currencySymbol", "$"),
        ("orgAttachmentFileSizeLimit", 5242880),
        ("orgDefaultCurrencyIsoCode", "USD"),
        ("orgDisallowHtmlAttachments", False),
        ("orgHasPersonAccounts", False),
        ("organizationId", org.org_id),
        ("organizationMultiCurrency", False),
        ("organizationName", "salesforcepy fake org"),
        ("profileId", record.get("ProfileId")),
        ("roleId", record.get("UserRoleId")),
        ("sessionSecondsValid", org.sessions.seconds_valid),
        ("userDefaultCurrencyIsoCode", None),
        ("userEmail", record.get("Email") or username),
        ("userFullName", full_name or username),
        ("userId", user_id),
        ("userLanguage", record.get("LanguageLocaleKey") or "en_US"),
        ("userLocale", record.get("LocaleSidKey") or "en_US"),
        ("userName", username),
        ("userTimeZone", record.get("TimeZoneSidKey") or "America/Los_Angeles"),
        ("userType", record.get("UserType") or "Standard"),
        ("userUiSkin", "Theme3"),
    ):
        add(info, name, value)
    return envelope
