#!/usr/bin/env python3
"""The web app in a real browser: headless Chromium driven by selenium through sign-in,
a clarified question, a chart whose numbers are the API's, a follow-up, the chart
controls, a CSV download and the admin page's access rule. Each step saves a screenshot.

Usage: test_webapp.py http://127.0.0.1:PORT   (scripts/browser-test starts the server)
"""
import csv
import json
import os
import pathlib
import shutil
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8080"
ARTIFACTS = pathlib.Path(os.environ.get("CONVAI_BROWSER_ARTIFACTS", ".build/artifacts/browser")).resolve()
DOWNLOADS = ARTIFACTS / "downloads"
TIMEOUT = 60  # a slow two-core machine: the first answers read DuckDB cold

step_number = 0


def log(message):
    print(f"[browser] {message}", flush=True)


def screenshot(driver, name):
    global step_number
    step_number += 1
    path = ARTIFACTS / f"{step_number:02d}-{name}.png"
    driver.save_screenshot(str(path))
    log(f"step {step_number}: {name} ({path.name})")


def api(method, path, token=None, body=None):
    """Calls the API as the page does; returns (status, JSON)."""
    request = urllib.request.Request(BASE + path, method=method)
    request.add_header("Accept", "application/json")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, data=data, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def wait(driver, condition, message, timeout=TIMEOUT):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: condition(d))
    except TimeoutException:
        screenshot(driver, "failure")
        raise AssertionError(f"timed out after {timeout} s: {message}")


def visible(driver, selector):
    return [e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


CANVAS_STATE = """
const canvas = arguments[0];
const chart = Chart.getChart(canvas);
if (!chart) return null;
const context = canvas.getContext('2d');
const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
let painted = 0;
for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted += 1;
return {
  type: chart.config.type,
  painted,
  animating: Chart.animator ? Chart.animator.running(chart) : false,
  labels: chart.data.labels,
  datasets: chart.data.datasets.map((d, i) => ({label: d.label, data: d.data, visible: chart.isDatasetVisible(i)})),
};
"""


def chart_state(driver, canvas):
    return driver.execute_script(CANVAS_STATE, canvas)


def wait_drawn(driver, canvas, what):
    def drawn(_):
        state = chart_state(driver, canvas)
        return state if state and state["painted"] > 500 and not state["animating"] else None
    return wait(driver, drawn, f"{what}: a drawn Chart.js chart")


def numbers(values):
    return [None if v is None else float(v) for v in values]


def click(driver, element):
    """Clicks as a user would, after scrolling the element to the middle of the window."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def page_answers(driver):
    """The answers the page received, as it keeps them in sessionStorage."""
    return driver.execute_script("""
        const id = sessionStorage.getItem('convai.conversation');
        const entries = JSON.parse(sessionStorage.getItem('convai.session.' + id)).entries;
        return entries.filter(e => e.kind === 'answer').map(e => e.reply);""")


def assert_points_are_rows(state, answer, what):
    """Each series' points are its measure's values in the answer's rows, in order."""
    measures = answer["query"]["measures"]
    if len(measures) == len(state["datasets"]) and "comparison" not in answer:
        for measure, drawn in zip(measures, state["datasets"]):
            assert numbers(drawn["data"]) == numbers(row[measure] for row in answer["data"]), (what, measure)


def cards(driver):
    return driver.find_elements(By.CSS_SELECTOR, "[data-testid=answer-card]")


def ask_in_page(driver, question):
    box = driver.find_element(By.CSS_SELECTOR, "[data-testid=question-input]")
    box.clear()
    box.send_keys(question)
    box.send_keys(Keys.ENTER)  # the keyboard, not the mouse


def sign_in_as(driver, selector, what):
    driver.get(BASE + "/#/signin")
    button = wait(driver, lambda d: (visible(d, selector) or [None])[0], f"a sign-in button for {what}")
    name = button.find_element(By.CSS_SELECTOR, ".person-name").text
    button.click()
    wait(driver, lambda d: visible(d, "[data-testid=question-input]"), f"the chat after signing in as {what}")
    return name


def main():
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    DOWNLOADS.mkdir(parents=True)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"]:
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(DOWNLOADS), "download.prompt_for_download": False,
    })
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_script_timeout(TIMEOUT)
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(DOWNLOADS)})
        run(driver)
        problems = [e["message"] for e in driver.get_log("browser")
                    if e["level"] == "SEVERE" and "favicon" not in e["message"]]
        assert not problems, f"the browser console reported errors: {problems}"
    finally:
        driver.quit()
    log(f"all steps passed; screenshots in {ARTIFACTS}")


def run(driver):
    # 1. The sign-in page, with the seeded people to pick from.
    driver.get(BASE + "/")
    wait(driver, lambda d: visible(d, "[data-testid=signin-user]"), "the development sign-in list")
    assert "Sign in" in driver.title
    screenshot(driver, "sign-in")

    # 2. Sign in as a sales officer.
    officer = sign_in_as(driver, "[data-testid=signin-user][data-hierarchy-role=SO]", "a sales officer")
    token = driver.execute_script("return sessionStorage.getItem('convai.token')")
    status, me = api("GET", "/api/v1/me", token)
    assert status == 200 and me["role"] == "sales_rep" and me["territory"].startswith("City:"), me
    assert not visible(driver, "[data-testid=nav-admin]"), "a sales officer must not see the admin link"
    wait(driver, lambda d: visible(d, "[data-testid=insight-card]") or "not available" in d.find_element(
        By.CSS_SELECTOR, "[data-testid=insights]").text or "Nothing unusual" in d.find_element(
        By.CSS_SELECTOR, "[data-testid=insights]").text, "the insights panel to load")
    screenshot(driver, "signed-in-as-sales-officer")
    log(f"signed in as {officer} ({me['territory']})")

    # 3. A broad question (no period): ConvAI asks what it needs, with options as buttons.
    # (A single total, "show me sales" for a period, is a KPI card without a chart.)
    question = "show me sales by brand"
    ask_in_page(driver, question)
    wait(driver, lambda d: visible(d, "[data-testid=clarify-option]"), "clarification options")
    screenshot(driver, "clarification-options")

    # 4. Pick an option for every question (the longest period offered, so the chart has
    # several points, and the first option elsewhere): an answer card with a drawn chart.
    picks = {}
    for group in driver.find_elements(By.CSS_SELECTOR, "[data-testid=clarification] fieldset.options"):
        options = group.find_elements(By.CSS_SELECTOR, "[data-testid=clarify-option]")
        option = next((o for o in options if "12 months" in o.text), options[0])
        picks[group.get_attribute("data-dimension")] = option.text
        click(driver, option)
    log(f"picked {picks}")
    wait(driver, lambda d: len(cards(d)) == 1, "the answer card")
    canvas = cards(driver)[0].find_element(By.CSS_SELECTOR, "canvas[data-testid=answer-chart]")
    state = wait_drawn(driver, canvas, "the first answer")
    # The same question and options through the API, with the same token: the same numbers.
    status, broad = api("POST", "/api/v1/ask", token, {"question": question})
    assert status == 200 and broad["status"] == "needs_clarification", broad
    status, answer = api("POST", "/api/v1/ask/clarify", token, {"sessionId": broad["sessionId"], "answers": picks})
    assert status == 200 and answer["status"] == "answered", answer
    api_datasets = answer["chart"]["data"]["datasets"]
    assert len(state["datasets"]) == len(api_datasets) > 0, (state, api_datasets)
    for drawn, expected in zip(state["datasets"], api_datasets):
        assert numbers(drawn["data"]) == numbers(expected["data"]), (drawn, expected)
    assert state["labels"] == answer["chart"]["data"]["labels"]
    # … and the chart's points are the answer's rows.
    assert_points_are_rows(state, answer, "the first answer")
    assert page_answers(driver)[0]["data"] == answer["data"], "the page's answer rows differ from the API's"
    assert not cards(driver)[0].find_elements(By.CSS_SELECTOR, "[data-testid=show-sql]"), \
        "a sales officer must not be offered the SQL"
    screenshot(driver, "answer-with-chart")
    log(f"chart drawn ({state['painted']} pixels), {len(state['datasets'])} series equal to the API's")

    # 5. A follow-up: the one suggested, else a typed one.
    follow_ups = visible(driver, "[data-testid=follow-up]")
    if follow_ups:
        log(f"following up with the suggestion: {follow_ups[0].text}")
        click(driver, follow_ups[0])
    else:
        ask_in_page(driver, "break it down by brand")
    wait(driver, lambda d: len(cards(d)) == 2 or visible(d, "[data-testid=error]") or
         len(visible(d, "[data-testid=clarify-option]:not([disabled])")) > 0, "the follow-up's answer")
    if len(cards(driver)) < 2 and visible(driver, "[data-testid=clarify-option]:not([disabled])"):
        for group in driver.find_elements(By.CSS_SELECTOR, "[data-testid=clarification]")[-1].find_elements(
                By.CSS_SELECTOR, "fieldset.options"):
            click(driver, group.find_element(By.CSS_SELECTOR, "[data-testid=clarify-option]"))
        wait(driver, lambda d: len(cards(d)) == 2, "the follow-up's answer after clarifying")
    assert len(cards(driver)) == 2, driver.find_element(By.CSS_SELECTOR, "[data-testid=history]").text
    second = cards(driver)[1]
    second_canvas = second.find_element(By.CSS_SELECTOR, "canvas[data-testid=answer-chart]")
    second_state = wait_drawn(driver, second_canvas, "the follow-up")
    follow_up = page_answers(driver)[1]
    assert_points_are_rows(second_state, follow_up, "the follow-up")
    assert numbers(second_state["datasets"][0]["data"]) == numbers(follow_up["chart"]["data"]["datasets"][0]["data"])
    log(f"follow-up chart: {len(second_state['labels'])} points equal to the answer's rows")
    driver.execute_script("arguments[0].scrollIntoView()", second)
    screenshot(driver, "follow-up-answer")

    # 6. A question with two series (this period against last year): switch the chart type
    # and hide a series; Chart.js follows, and the doughnut is not offered for two series.
    ask_in_page(driver, "net sales by brand last month vs last year")
    wait(driver, lambda d: len(cards(d)) == 3, "the comparison's answer")
    card = cards(driver)[2]
    canvas = card.find_element(By.CSS_SELECTOR, "canvas[data-testid=answer-chart]")
    before = wait_drawn(driver, canvas, "the comparison")
    if len(before["datasets"]) < 2:  # the parser read it otherwise: the follow-up's chart then
        card = cards(driver)[1]
        canvas = card.find_element(By.CSS_SELECTOR, "canvas[data-testid=answer-chart]")
        before = wait_drawn(driver, canvas, "the follow-up")
    doughnut = card.find_element(By.CSS_SELECTOR, "[data-testid=chart-type] option[value=doughnut]")
    assert (doughnut.get_attribute("disabled") is not None) == (len(before["datasets"]) > 1)
    switch = Select(card.find_element(By.CSS_SELECTOR, "[data-testid=chart-type]"))
    target = "bar" if before["type"] == "line" else "line"
    switch.select_by_value(target)
    state = wait_drawn(driver, canvas, f"the chart redrawn as {target}")
    assert state["type"] == target, state
    assert [numbers(d["data"]) for d in state["datasets"]] == [numbers(d["data"]) for d in before["datasets"]]
    toggle = card.find_element(By.CSS_SELECTOR, "[data-testid=series-toggle]")
    click(driver, toggle)
    state = wait(driver, lambda d: (lambda s: s if not s["datasets"][0]["visible"] else None)(chart_state(d, canvas)),
                 "the first series hidden")
    assert all(d["visible"] for d in state["datasets"][1:]), state
    click(driver, card.find_element(By.CSS_SELECTOR, "[data-testid=table-toggle]"))
    wait(driver, lambda d: card.find_element(By.CSS_SELECTOR, "[data-testid=answer-table]").is_displayed(), "the table")
    driver.execute_script("arguments[0].scrollIntoView()", card)
    screenshot(driver, "chart-type-and-series")
    log(f"{len(state['datasets'])} series drawn as {target}, the first hidden")

    # 7. Download the follow-up's answer as CSV: its rows are the answer's.
    answer = follow_up
    click(driver, second.find_element(By.CSS_SELECTOR, "[data-testid=download-csv]"))
    files = wait(driver, lambda d: [p for p in DOWNLOADS.glob("convai-*.csv")] if not list(
        DOWNLOADS.glob("*.crdownload")) else None, "the CSV download")
    with open(files[0], newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    # The page's own column order (WebDriver does not keep an object's key order).
    members = driver.execute_script("""
        const id = sessionStorage.getItem('convai.conversation');
        const entries = JSON.parse(sessionStorage.getItem('convai.session.' + id)).entries;
        return Object.keys(entries.filter(e => e.kind === 'answer')[1].reply.data[0]);""")
    assert len(rows) == len(answer["data"]) + 1, (len(rows), len(answer["data"]))
    assert len(rows[0]) == len(members), rows[0]
    for line, row in zip(rows[1:], answer["data"]):
        for text, member in zip(line, members):
            value = row[member]
            try:
                assert float(text) == float(value), (member, text, value)
            except (TypeError, ValueError):
                assert text == ("" if value is None else str(value)), (member, text, value)
    screenshot(driver, "csv-downloaded")
    log(f"CSV {files[0].name}: {len(rows) - 1} rows equal to the answer's")

    # The conversation is kept per session: a new one starts empty, the earlier one comes back.
    first_session = driver.execute_script("return sessionStorage.getItem('convai.conversation')")
    click(driver, driver.find_element(By.CSS_SELECTOR, "[data-testid=new-conversation]"))
    wait(driver, lambda d: len(cards(d)) == 0, "an empty new conversation")
    Select(driver.find_element(By.CSS_SELECTOR, "[data-testid=conversation-picker]")).select_by_value(first_session)
    wait(driver, lambda d: len(cards(d)) == 3, "the earlier conversation's three answers")
    wait_drawn(driver, cards(driver)[1].find_element(By.CSS_SELECTOR, "canvas"), "the restored follow-up")

    # A single number is a KPI card: the value as the tenant writes it, the change, the table.
    kpi_question = "net sales last month vs the month before"
    ask_in_page(driver, kpi_question)
    wait(driver, lambda d: len(cards(d)) == 4, "the KPI answer")
    kpi_card = cards(driver)[3]
    status, kpi_answer = api("POST", "/api/v1/ask", token, {"question": kpi_question})
    assert status == 200 and kpi_answer["status"] == "answered", kpi_answer
    assert kpi_answer["visualization"]["kind"] == "kpi" and kpi_answer["chart"] is None, kpi_answer["visualization"]
    expected_kpi = kpi_answer["visualization"]["kpi"]
    shown = wait(driver, lambda d: kpi_card.find_element(By.CSS_SELECTOR, "[data-testid=kpi-value]").text or None, "the KPI value")
    assert shown == expected_kpi["formattedValue"], (shown, expected_kpi)
    assert expected_kpi["formattedChange"] in kpi_card.text, (expected_kpi, kpi_card.text)
    assert "[object Object]" not in kpi_card.text, kpi_card.text
    headers = [th.get_attribute("textContent") for th in kpi_card.find_elements(By.CSS_SELECTOR, "[data-testid=answer-table] th")]
    assert headers == [c["title"] for c in kpi_answer["visualization"]["table"]["columns"]], headers
    cells = [td.get_attribute("textContent") for td in kpi_card.find_elements(By.CSS_SELECTOR, "[data-testid=answer-table] td")]
    assert cells == [cell["text"] for row in kpi_answer["visualization"]["table"]["rows"] for cell in row], cells
    driver.execute_script("arguments[0].scrollIntoView()", kpi_card)
    screenshot(driver, "kpi-card")
    log(f"KPI card {shown} ({expected_kpi['formattedChange']}), as the API says")

    # 8. The admin page is not for a sales officer: the page says so, the API answers 403.
    driver.get(BASE + "/#/admin")
    wait(driver, lambda d: visible(d, "[data-testid=admin-denied]"), "the no-access message")
    assert "You do not have access to the admin page" in driver.find_element(
        By.CSS_SELECTOR, "[data-testid=admin-denied]").text
    status, _ = api("GET", "/api/v1/metrics/summary?days=30&by=department", token)
    assert status == 403, status
    screenshot(driver, "admin-refused-to-sales-officer")

    # An admin sees the breakdowns, drawn.
    driver.find_element(By.CSS_SELECTOR, "[data-testid=sign-out]").click()
    sign_in_as(driver, "[data-testid=signin-user][data-user-id=admin]", "the admin")
    assert visible(driver, "[data-testid=nav-admin]"), "an admin sees the admin link"
    driver.find_element(By.CSS_SELECTOR, "[data-testid=nav-admin]").click()
    wait(driver, lambda d: len(visible(d, "[data-testid=admin-chart]")) >= 7, "the admin charts")
    for chart_canvas in visible(driver, "[data-testid=admin-chart]"):
        wait_drawn(driver, chart_canvas, f"admin chart {chart_canvas.get_attribute('data-chart')}")
    department = chart_state(driver, driver.find_element(By.CSS_SELECTOR, "[data-chart=cost-by-department]"))
    assert "Sales" in department["labels"], department
    screenshot(driver, "admin-breakdowns")

    # A phone: the chat still fits, nothing scrolls sideways.
    driver.set_window_size(390, 844)
    driver.get(BASE + "/#/chat")
    wait(driver, lambda d: visible(d, "[data-testid=question-input]"), "the chat on a phone")
    ask_in_page(driver, "net sales by brand last month")
    wait(driver, lambda d: len(cards(d)) >= 1, "an answer on a phone")
    wait_drawn(driver, cards(driver)[-1].find_element(By.CSS_SELECTOR, "canvas"), "the phone answer")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    driver.execute_script("arguments[0].scrollIntoView()", cards(driver)[-1])
    screenshot(driver, "phone")

    # Nothing came from another host.
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    foreign = [r for r in resources if not (r.startswith(BASE) or r.startswith("blob:") or r.startswith("data:"))]
    assert not foreign, foreign


if __name__ == "__main__":
    started = time.monotonic()
    main()
    log(f"done in {time.monotonic() - started:.0f} s")
