"""PAdES signatures on the PDFs the writer makes: B-B, or B-T with an RFC 3161 time-stamp, with pyHanko.

A signature is an incremental update: the unsigned bytes stay an exact prefix of the signed file, so the
unsigned document can still be proved reproducible (``signatures.first_revision`` gives it back).

The update keeps the file what it claimed to be, PDF/A-2a (or -3a) and PDF/UA-1:

- the document's metadata is left alone. pyHanko would write a new ``/ModDate`` into ``/Info`` and rewrite
  the XMP packet (dropping the PDF/A extension schema that declares ``pdfuaid:part``), which PDF/A
  refuses; a signature does not change the document, so its metadata need not change either;
- the signature field is invisible (a zero-size widget: PDF/A-2 wants the print flag and no appearance
  for an annotation of zero area, PDF/UA wants it tagged): it is tagged as a ``Form`` element, with
  ``/TU`` naming it for assistive technology, at the end of the document's structure and on its last page;
- the trailer's second ``/ID`` is derived from the unsigned bytes, not drawn at random, so that a B-B
  signature with an RSA key (PKCS#1 v1.5 is deterministic) and a fixed signing time gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError

from reports.errors import shorten
from reports.limits import source_date_epoch
from reports.signing_keys import LoadedSigner, SigningError

DEFAULT_FIELD = "Signature1"
FIELD_LABEL = "Digital signature"  # /TU and the Form element's /Alt: what a screen reader announces
TIMESTAMP_TIMEOUT = 10  # seconds; a time-stamp server answers in well under one


def resolve_signing_time(when: dt.datetime | None = None) -> dt.datetime:
    """The time a signature claims: ``when``, else ``SOURCE_DATE_EPOCH``, else the clock (UTC, whole seconds)."""
    if when is not None:
        if when.tzinfo is None:
            raise SigningError("the signing time needs a time zone (a naive datetime is ambiguous)")
        return when.astimezone(dt.UTC)
    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class _KeepMetadata(IncrementalPdfFileWriter):
    # pyHanko's writer updates /Info and rewrites the XMP on every write (see the module's docstring);
    # the signed file keeps the document's own metadata, byte for byte.
    def _update_meta(self) -> None:
        pass


def _writer(data: bytes) -> IncrementalPdfFileWriter:
    try:
        writer = _KeepMetadata(io.BytesIO(data), strict=True)
    except (PdfError, ValueError, KeyError) as exc:
        raise SigningError(f"not a PDF that can be signed: {shorten(str(exc), 200)}") from None
    first = writer.document_id[0]
    # The second part of /ID says "this revision"; a digest of what it extends is as unique as a random one.
    second = hashlib.sha256(data).digest()[:16]
    writer._document_id = generic.ArrayObject([generic.ByteStringObject(first), generic.ByteStringObject(second)])
    return writer


def _tag_field(writer: IncrementalPdfFileWriter, field_name: str, label: str) -> None:
    """Add the invisible signature field on the last page and tag its widget as a ``Form`` element."""
    page_ref = writer.find_page_for_modification(-1)[0]
    spec = fields.SigFieldSpec(
        sig_field_name=field_name, on_page=-1, readable_field_name=label,
        # Print flag on (PDF/A), not hidden (PDF/A forbids it): PDF/UA is met by tagging the widget instead.
        invis_sig_settings=fields.InvisSigSettings(set_print_flag=True, set_hidden_flag=False))
    fields.append_signature_field(writer, spec)
    widget_ref = _field_ref(writer, field_name)
    widget = widget_ref.get_object()
    widget[generic.pdf_name("/Contents")] = generic.TextStringObject(label)  # an annotation's description
    root = writer.root
    if "/StructTreeRoot" not in root:
        return  # an untagged PDF: nothing to keep in step
    tree = root["/StructTreeRoot"]
    document, document_ref = _document_element(tree)
    key = int(tree["/ParentTreeNextKey"]) if "/ParentTreeNextKey" in tree else _next_key(tree["/ParentTree"])
    form = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/StructElem"),
        generic.pdf_name("/S"): generic.pdf_name("/Form"),
        generic.pdf_name("/P"): document_ref,
        generic.pdf_name("/Pg"): page_ref,
        generic.pdf_name("/Alt"): generic.TextStringObject(label),
        generic.pdf_name("/K"): generic.DictionaryObject({
            generic.pdf_name("/Type"): generic.pdf_name("/OBJR"),
            generic.pdf_name("/Obj"): widget_ref,
            generic.pdf_name("/Pg"): page_ref,
        }),
    })
    form_ref = writer.add_object(form)
    widget[generic.pdf_name("/StructParent")] = generic.NumberObject(key)
    kids = _resolved(document, "/K")
    if isinstance(kids, generic.ArrayObject):
        kids.append(form_ref)
        writer.update_container(kids)
    else:
        document[generic.pdf_name("/K")] = generic.ArrayObject([kids, form_ref] if kids is not None else [form_ref])
    writer.update_container(document)
    _add_parent(writer, tree["/ParentTree"], key, form_ref)
    tree[generic.pdf_name("/ParentTreeNextKey")] = generic.NumberObject(key + 1)
    writer.update_container(tree)


def _field_ref(writer: IncrementalPdfFileWriter, field_name: str) -> generic.IndirectObject:
    found = writer.root["/AcroForm"]["/Fields"]
    for index in range(len(found)):
        ref = found.raw_get(index)
        if isinstance(ref, generic.IndirectObject) and str(_resolved(ref.get_object(), "/T")) == field_name:
            return ref
    raise AssertionError(f"the field {field_name} was just added")  # pragma: no cover - pyHanko's contract


def _document_element(tree: Any) -> tuple[Any, generic.IndirectObject]:
    """The structure tree's one root element (``Document``) and its reference."""
    kids = tree["/K"]
    raw = tree.raw_get("/K")
    if isinstance(kids, generic.ArrayObject):
        if len(kids) != 1:
            raise SigningError("the structure tree has no single root element to hold the signature field")
        raw = kids.raw_get(0)
    if not isinstance(raw, generic.IndirectObject):
        raise SigningError("the structure tree's root element is not an indirect object; cannot tag the field")
    return raw.get_object(), raw


def _next_key(parent_tree: Any) -> int:
    """One past the largest key of a number tree (for a tree that lacks /ParentTreeNextKey)."""
    highest = -1
    nums = _resolved(parent_tree, "/Nums")
    if nums is not None:
        highest = max([int(nums[i]) for i in range(0, len(nums), 2)], default=-1)
    for kid in _resolved(parent_tree, "/Kids") or ():
        highest = max(highest, _next_key(kid) - 1)
    return highest + 1


def _add_parent(writer: IncrementalPdfFileWriter, parent_tree: Any, key: int, element: Any) -> None:
    """Map ``key`` to ``element`` in the parent tree (a number tree): the key is larger than any in it."""
    nums = _resolved(parent_tree, "/Nums")
    if nums is not None:
        nums.extend([generic.NumberObject(key), element])
        writer.update_container(nums)
        writer.update_container(parent_tree)
        return
    # An intermediate node: a new leaf after the others keeps the tree ordered, since the key is the largest.
    leaf = writer.add_object(generic.DictionaryObject({
        generic.pdf_name("/Limits"): generic.ArrayObject([generic.NumberObject(key)] * 2),
        generic.pdf_name("/Nums"): generic.ArrayObject([generic.NumberObject(key), element]),
    }))
    kids = parent_tree["/Kids"]
    kids.append(leaf)
    writer.update_container(kids)
    writer.update_container(parent_tree)


def sign_pdf(data: bytes, signer: LoadedSigner, *, timestamp_url: str | None = None,
             signing_time: dt.datetime | None = None, field_name: str = DEFAULT_FIELD,
             label: str = FIELD_LABEL, reason: str | None = None, location: str | None = None) -> bytes:
    """Return ``data`` signed: PAdES B-B, or B-T with a time-stamp from ``timestamp_url``.

    ``data`` is an exact prefix of the result. The signing time is ``signing_time``, else
    ``SOURCE_DATE_EPOCH``, else now; it must fall inside the certificate's validity period. Raises
    ``SigningError`` for a file that cannot be signed, a field name already taken or a time-stamp server
    that does not answer.
    """
    when = resolve_signing_time(signing_time)
    if not signer.not_before <= when <= signer.not_after:
        raise SigningError(
            f"the signing time {when:%Y-%m-%d %H:%M:%S} UTC (from SOURCE_DATE_EPOCH when set) is outside the "
            f"certificate's validity, {signer.not_before:%Y-%m-%d} to {signer.not_after:%Y-%m-%d}: unset "
            "SOURCE_DATE_EPOCH or sign with a certificate valid then")
    writer = _writer(data)
    if field_name in {str(_resolved(field, "/T")) for field in _existing_fields(writer)}:
        raise SigningError(f"the PDF already has a field named {field_name!r}; choose another name")
    _tag_field(writer, field_name, label)
    meta = signers.PdfSignatureMetadata(field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=reason, location=location)
    timestamper = HTTPTimeStamper(timestamp_url, timeout=TIMESTAMP_TIMEOUT) if timestamp_url else None
    pdf_signer = _TimedSigner(when, meta, signer=signer.signer, timestamper=timestamper)
    try:
        output = pdf_signer.sign_pdf(writer, existing_fields_only=True)
    except TimestampRequestError as exc:
        raise SigningError(f"{timestamp_url}: the time-stamp server failed: {shorten(str(exc), 200)}") from None
    except OSError as exc:  # aiohttp's connection errors are OSErrors
        raise SigningError(f"{timestamp_url}: cannot reach the time-stamp server: {exc}") from None
    signed: bytes = output.getvalue()
    if not signed.startswith(data):  # the promise the whole design rests on; pyHanko keeps it
        raise AssertionError("the signed file does not extend the unsigned one")
    return signed


def _existing_fields(writer: IncrementalPdfFileWriter) -> list[Any]:
    form = _resolved(writer.root, "/AcroForm")
    found = _resolved(form, "/Fields") if form is not None else None
    return list(found) if found is not None else []


def _resolved(dictionary: Any, key: str) -> Any:
    # pyHanko's get() and iteration hand indirect references back as they are; get_object() and [] resolve.
    dictionary = dictionary.get_object()
    return dictionary[key] if key in dictionary else None  # noqa: SIM401 - get() would not resolve


class _TimedSigner(signers.PdfSigner):
    """A ``PdfSigner`` whose signing time is given rather than read from the clock.

    pyHanko's signing session takes a ``system_time`` but ``sign_pdf`` passes none on; it is set on the
    session, the one place it is read (the CMS signing-time attribute and the signature's /M)."""

    def __init__(self, when: dt.datetime, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.when = when

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self.when
        return session
