"""A form with a password cannot leave before the site's script is there: pressed Enter on a slow
connection, the browser itself would send it as a GET, the password in the address."""
import re

from playwright.sync_api import expect


def test_enter_before_the_script_sends_nothing_then_the_login_works(stack, new_page):
    page = new_page("en-GB")
    held = []
    page.route(re.compile(r"/static/site\.[0-9a-f]+\.js$"), lambda route: held.append(route))
    page.goto(f"{stack.url}/en/login.html", wait_until="commit")   # the script is held: no DOMContentLoaded
    page.locator("#f-email").fill("someone@example.org")
    page.locator("#f-password").fill("Not-in-the-address-1")
    page.locator("#f-password").press("Enter")
    page.wait_for_timeout(500)
    assert "password" not in page.url and page.url.endswith("/en/login.html")
    expect(page.get_by_role("button", name="Log in")).to_be_disabled()
    for route in held:
        route.continue_()
    expect(page.get_by_role("button", name="Log in")).to_be_enabled()
    page.locator("#f-password").press("Enter")
    expect(page.get_by_role("alert").first).to_contain_text("not correct")
