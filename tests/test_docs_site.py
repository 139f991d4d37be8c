"""The documentation site: `mkdocs build --strict` succeeds (warnings are errors) and produces
every page, the rendered notebooks with their plots, and a search index; the navigation picks
up every docs/*.md; the getting-started page shows the README's commands; the generated
TF1-symbol table lists exactly the TF1 names minitf has. (docs/check_site.py checks the built site in a real headless browser.)"""

import glob
import importlib.util
import json
import os
import re
import subprocess
import sys

import pytest

import minitf as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")


def load_hooks():
    spec = importlib.util.spec_from_file_location("site_hooks",
                                                  os.path.join(DOCS, "site_hooks.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nav_pages(nav):
    for entry in nav:
        for value in entry.values():
            if isinstance(value, list):
                yield from nav_pages(value)
            else:
                yield value


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1",
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d",
                             str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_every_page_and_notebook_is_built(site):
    for path in glob.glob(os.path.join(DOCS, "*.md")):
        name = os.path.basename(path)[:-3]
        page = site / ("index.html" if name == "index" else os.path.join(name, "index.html"))
        assert page.exists(), name
    for nb in sorted(glob.glob(os.path.join(ROOT, "notebooks", "[0-9]*.ipynb"))):
        name = os.path.basename(nb)[:-6]
        html = (site / "notebooks" / name / "index.html").read_text(encoding="utf-8")
        assert "data:image/png;base64" in html or 'class="minitf-graph"' in html, name
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    assert "tf.Session" in api and "minitf.visualize.show_graph" in api
    assert (site / "img" / "graph_drawing.png").exists()
    assert not (site / "gen_api.py").exists()  # helper scripts are not published


def test_search_index_covers_pages_and_notebooks(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert {"tutorial/", "tf1_symbols/", "notebooks/04_digits_classification/"} <= locations
    assert any("tf.gradients" in d["text"] for d in index["docs"])


def test_nav_lists_every_page_once_with_new_pages_included(tmp_path, monkeypatch):
    hooks = load_hooks()
    config = hooks.on_config({"nav": None})
    pages = list(nav_pages(config["nav"]))
    assert len(pages) == len(set(pages))
    wanted = {os.path.basename(p) for p in glob.glob(os.path.join(DOCS, "*.md"))}
    wanted.add("tf1_symbols.md")  # generated at build time
    wanted |= {"notebooks/" + os.path.basename(p)
               for p in glob.glob(os.path.join(ROOT, "notebooks", "[0-9]*.ipynb"))}
    assert set(pages) == wanted
    assert pages[:3] == ["index.md", "getting_started.md", "tutorial.md"]
    # A page another contributor adds appears under "Guides" with its heading as the title.
    (tmp_path / "index.md").write_text("# Home\n")
    (tmp_path / "new_topic.md").write_text("# A new topic\n\ntext\n")
    monkeypatch.setattr(hooks, "DOCS", str(tmp_path))
    nav = hooks.on_config({"nav": None})["nav"]
    guides = next(e["Guides"] for e in nav if "Guides" in e)
    assert guides == [{"A new topic": "new_topic.md"}]


def test_getting_started_shows_the_readme_commands():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    page = open(os.path.join(DOCS, "getting_started.md"), encoding="utf-8").read()
    commands = re.findall(r"```bash\n(.*?)\n```", readme, re.S)[:2]
    assert len(commands) == 2
    for command in commands:
        assert command in page


def test_tf1_symbol_table_lists_every_supported_tf1_name(site):
    with open(os.path.join(ROOT, "tests", "fixtures", "tf1_symbols.json"), encoding="utf-8") as f:
        recorded = json.load(f)["namespaces"]
    page = load_hooks().tf1_symbols_markdown()
    html = (site / "tf1_symbols" / "index.html").read_text(encoding="utf-8")
    assert "<td><code>tf.nn.relu</code></td>" in html
    listed = set(re.findall(r"^\| `((?:tf)(?:\.\w+)+)` \| (?!\d+ \|)", page, re.M))
    missing = []
    for prefix, names in recorded.items():
        module = tf
        for part in prefix.split(".")[1:]:
            module = getattr(module, part, None)
        for name in names:
            if module is not None and hasattr(module, name) and \
                    "%s.%s" % (prefix, name) not in listed:
                missing.append("%s.%s" % (prefix, name))
    assert not missing, "not in the TF1 symbols page: %s" % missing
    for full in listed:  # and nothing minitf lacks
        module = tf
        for part in full.split(".")[1:-1]:
            module = getattr(module, part)
        assert hasattr(module, full.rsplit(".", 1)[1]), full
    assert "tf.Session" in listed and "tf.nn.relu" in listed
