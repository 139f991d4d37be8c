"""MkDocs hooks for the site (mkdocs.yml `hooks:`): adds the notebooks from notebooks/ as pages,
generates the TF1-symbol table (tf1_symbols.md) from the installed minitf, and builds the
navigation from the known pages plus every other docs/*.md, so a page added by
anyone shows up without editing mkdocs.yml and never breaks the strict build."""

import glob
import os

import mkdocs.plugins
from mkdocs.structure.files import File

DOCS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(DOCS)
NOTEBOOKS = os.path.join(ROOT, "notebooks")

# (section, [pages]) in the order the navigation shows them; pages missing here are skipped.
SECTIONS = [
    ("Start here", ["index.md", "getting_started.md", "tutorial.md"]),
    ("Using minitf", ["tensorboard.md", "checkpoints.md", "graph_drawing.md", "datasets.md",
                      "gpu.md"]),
    ("Reference", ["api.md", "tf1_symbols.md", "differences.md"]),
    ("Contributing", ["architecture.md", "performance.md", "security.md"]),
]


GENERATED = "tf1_symbols.md"


def _title(path):
    if os.path.basename(path) == GENERATED:
        return "TF1 symbols in minitf"
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# "):
                return line[2:].strip().replace("`", "")
    return os.path.basename(path)[:-3].replace("_", " ").capitalize()


def notebook_pages():
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(NOTEBOOKS, "[0-9]*.ipynb")))


def tf1_symbols_markdown():
    import importlib.util
    spec = importlib.util.spec_from_file_location("gen_api", os.path.join(DOCS, "gen_api.py"))
    gen_api = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_api)
    return gen_api.tf1_symbols_page()


@mkdocs.plugins.event_priority(100)  # before mkdocs-jupyter looks at the files
def on_files(files, config):
    for name in notebook_pages():
        files.append(File("notebooks/" + name, ROOT, config["site_dir"],
                          config["use_directory_urls"]))
    files.append(File.generated(config, GENERATED, content=tf1_symbols_markdown()))
    return files


def on_config(config):
    listed = set()
    nav = []
    for section, pages in SECTIONS:
        present = [p for p in pages if p == GENERATED or os.path.exists(os.path.join(DOCS, p))]
        listed.update(present)
        if present:
            nav.append({section: [{_title(os.path.join(DOCS, p)): p} for p in present]})
    others = sorted(os.path.basename(p) for p in glob.glob(os.path.join(DOCS, "*.md"))
                    if os.path.basename(p) not in listed)
    if others:
        nav.insert(2, {"Guides": [{_title(os.path.join(DOCS, p)): p} for p in others]})
    nav.insert(1, {"Notebooks": [{n[:-6].replace("_", " ").lstrip("0123456789 ").capitalize():
                                  "notebooks/" + n} for n in notebook_pages()]})
    config["nav"] = nav
    return config
