"""Choosing in a type-ahead picker (core/widgets.py) as a person does: type, then click the match."""


def pick(page, field_id: str, text: str, *, value=None):
    """Types `text` into the picker whose search box is #field_id and clicks the match: the one
    for record `value` (a pk) when given, else the first whose text contains `text`. Returns once
    the chosen record shows as a chip."""
    page.locator(f"[id='{field_id}']").fill(text)
    options = f"[id='{field_id}_listbox'] .picker-option"
    if value is not None:
        page.locator(f"{options}[data-value='{value}']").click()
        page.locator(f"[id='{field_id}_chosen'] input[value='{value}']:checked").wait_for()
    else:
        page.locator(options).filter(has_text=text).first.click()
        page.locator(f"[id='{field_id}_chosen']").get_by_text(text).first.wait_for()
