"""Checks the built site (`mkdocs build` -> site/) in a real headless browser: every page
loads with a title and a heading, every image on it has loaded (naturalWidth > 0), the
notebook pages show their plots, and the search box finds pages. Needs Chromium and its
driver (Debian: `apt-get install chromium chromium-driver`) and `pip install selenium`.

    mkdocs build && python docs/check_site.py [--site site]

Serves the site on a local port (the search index cannot load from file:// URLs) and exits
non-zero listing what failed."""

import argparse
import functools
import http.server
import os
import shutil
import sys
import threading
import time

QUERIES = {"gradients": "tf.gradients", "checkpoint": "Checkpoints", "placeholder": None}


def serve(folder):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900"):
        options.add_argument(arg)
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which(
        "google-chrome")
    if binary:
        options.binary_location = binary
    driver_path = shutil.which("chromedriver")
    service = Service(executable_path=driver_path) if driver_path else Service()
    return webdriver.Chrome(options=options, service=service)


def pages(site):
    for folder, _, names in os.walk(site):
        if "index.html" in names and "assets" not in folder.split(os.sep):
            yield os.path.relpath(os.path.join(folder, "index.html"), site).replace(os.sep, "/")


def wait_for(fn, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def check(site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    server = serve(site)
    base = "http://127.0.0.1:%d/" % server.server_address[1]
    driver = browser()
    failures, report = [], []
    try:
        for page in sorted(pages(site)):
            driver.get(base + page)
            wait_for(lambda: driver.execute_script("return document.readyState") == "complete")
            # Images load lazily in notebooks: scroll through the page, then wait for them.
            driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
            broken = wait_for(lambda: not driver.execute_script(
                "return Array.from(document.images).filter("
                "i => !i.complete || i.naturalWidth === 0).length"), 5) or driver.execute_script(
                "return Array.from(document.images).filter("
                "i => !i.complete || i.naturalWidth === 0).map(i => i.src.slice(0, 80))")
            images = driver.execute_script("return document.images.length")
            drawings = driver.execute_script(
                "return document.querySelectorAll('svg.minitf-graph g.node').length")
            headings = driver.find_elements(By.CSS_SELECTOR, "article h1")
            title = driver.title
            ok = bool(title) and "404" not in title and headings and broken is True
            if page.startswith("notebooks/") and images + drawings == 0:
                ok = False
                broken = "no plots or graph drawings on a notebook page"
            report.append("%-4s %-46s %2d images %3d drawn graph nodes  %s" % (
                "ok" if ok else "FAIL", page, images, drawings, title))
            if not ok:
                failures.append("%s: title=%r headings=%d broken=%r"
                                % (page, title, len(headings), broken))
        for query, expected in QUERIES.items():
            driver.get(base + "index.html")
            box = driver.find_element(By.CSS_SELECTOR, "input.md-search__input")
            box.click()
            box.send_keys(query)
            results = wait_for(lambda: driver.find_elements(
                By.CSS_SELECTOR, ".md-search-result__item"), 10)
            texts = [r.text for r in results]
            found = bool(results) and (expected is None or any(expected in t for t in texts))
            report.append("%-4s search %-15r %d results" % ("ok" if found else "FAIL", query,
                                                            len(results)))
            if not found:
                failures.append("search %r: %d results, none mentioning %r"
                                % (query, len(results), expected))
            box.send_keys(Keys.ESCAPE)
    finally:
        driver.quit()
        server.shutdown()
    return report, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "site"))
    args = parser.parse_args()
    if not os.path.exists(os.path.join(args.site, "index.html")):
        sys.exit("no built site in %s: run `mkdocs build` first" % args.site)
    report, failures = check(args.site)
    print("\n".join(report))
    if failures:
        print("\nFAILED:\n" + "\n".join(failures))
        sys.exit(1)
    print("\nall %d pages loaded with their images; search works" % sum(
        1 for line in report if "images" in line))


if __name__ == "__main__":
    main()
