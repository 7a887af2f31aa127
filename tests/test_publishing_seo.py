"""Search engines and link previews: schema.org JSON-LD and sphinx-sitemap's sitemap.

Real Sphinx builds of real git repositories: each policy page's head carries a
``WebPage`` with its git dates and the organisation from the data; archived versions
(``noindex``) carry none and stay out of the sitemap, whose ``<lastmod>`` are our dates.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from gitrepo import GitRepo
from policy_testing import warnings

from sphinx_policy.versions.seo import script_json

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
policy_data_files = ["_data/*.yaml"]
exclude_patterns = ["_build"]
project = "Acme"
html_baseurl = "https://policies.example.org/"
"""
ORGANISATION = """organisation:
  name: Acme Widgets (Pty) Ltd
  short_name: Acme
  email: privacy@acme.example
  phone: "+27 21 555 0100"
  website: https://acme.example/
  address: [1 Main Road, Cape Town 8001, South Africa]
  offices:
    - id: london
      name: London office
      country: GB
      email: london@acme.example
      address: [2 High Street, London, United Kingdom]
    - id: quiet
      name: An office without contact details
      address: [3 Side Street, Durban]
  officers:
    - role: dpo
      name: Dana Officer
      email: dpo@acme.example
      phone: "+27 21 555 0199"
"""
COOKIES = "cookies:\n  - {name: sid, category: necessary, purpose: Session, expiry: P1Y}\n"
PRIVACY = """---
policy: true
---
# Privacy notice

```{{last-updated}}
```

{body}

```{{contact}}
```

```{{cookie-table}}
```
"""
FIRST, SECOND = "2023-01-10T09:00:00+00:00", "2025-09-04T16:30:00+00:00"


@pytest.fixture
def site(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "site")
    repo.write("conf.py", CONF)
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nprivacy\nabout\n```\n")
    repo.write("about.md", "# About\n\nNot a policy.\n")
    repo.write("_data/organisation.yaml", ORGANISATION)
    repo.write("_data/cookies.yaml", COOKIES)
    repo.write("privacy.md", PRIVACY.format(body="Version one."))
    repo.commit("first\n\nPolicy-Change: First published.", date=FIRST)
    repo.write("privacy.md", PRIVACY.format(body="Version two."))
    repo.commit("second\n\nPolicy-Change: Clearer.", date=SECOND)
    return repo


def soup(app, name: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / name).read_text("utf-8"), "html.parser")


def jsonld(app, name: str) -> list[dict]:
    head = soup(app, name).head
    return [json.loads(s.string) for s in head.find_all("script", type="application/ld+json")]


# --------------------------------------------------------------------------- JSON-LD


def test_policy_page_has_webpage_with_dates_and_organisation(site: GitRepo, build) -> None:
    app = build(site)
    assert "WARNING" not in warnings(app), warnings(app)
    (data,) = jsonld(app, "privacy.html")
    modified = soup(app, "privacy.html").find("meta", property="article:modified_time")
    assert data == {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": "Privacy notice",
        "url": "https://policies.example.org/privacy.html",
        "inLanguage": "en",
        "dateModified": SECOND,
        "datePublished": FIRST,
        "publisher": {
            "@type": "Organization",
            "name": "Acme",
            "legalName": "Acme Widgets (Pty) Ltd",
            "url": "https://acme.example/",
            "email": "privacy@acme.example",
            "telephone": "+27 21 555 0100",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "1 Main Road, Cape Town 8001, South Africa",
            },
            "contactPoint": [
                {"@type": "ContactPoint", "contactType": "customer service",
                 "email": "privacy@acme.example", "telephone": "+27 21 555 0100"},
                {"@type": "ContactPoint", "contactType": "customer service",
                 "name": "London office", "email": "london@acme.example", "areaServed": "GB"},
                {"@type": "ContactPoint", "contactType": "Data Protection Officer",
                 "name": "Dana Officer", "email": "dpo@acme.example",
                 "telephone": "+27 21 555 0199"},
            ],
        },
    }
    assert data["dateModified"] == modified["content"]  # one instant, two notations


def test_only_policy_pages_get_jsonld(site: GitRepo, build) -> None:
    app = build(site)
    assert jsonld(app, "about.html") == [] and jsonld(app, "index.html") == []
    versions = sorted((Path(app.outdir) / "privacy/versions").glob("*.html"))
    assert len(versions) == 4  # two revisions and their diffs: noindex, no JSON-LD
    for page in versions:
        assert jsonld(app, page.relative_to(app.outdir).as_posix()) == [], page.name


def test_policy_pages_setting_and_time_zone(site: GitRepo, build) -> None:
    app = build(site, confoverrides={"policy_pages": ["about"], "policy_timezone":
                                     "Africa/Johannesburg", "language": "en_GB"})
    (about,) = jsonld(app, "about.html")
    assert about["dateModified"] == "2023-01-10T11:00:00+02:00"
    assert about["inLanguage"] == "en-GB"


def test_shallow_clone_omits_date_published(site: GitRepo, build, tmp_path: Path) -> None:
    clone = site.clone(tmp_path / "shallow", "--depth", "2")
    app = build(clone, confoverrides={"suppress_warnings": ["policy.shallow"]})
    (data,) = jsonld(app, "privacy.html")
    assert data["dateModified"] == SECOND
    assert "datePublished" not in data  # the first revision is beyond the clone


def test_uncommitted_page_has_no_dates(site: GitRepo, build) -> None:
    site.write("privacy.md", PRIVACY.format(body="Being edited."))
    app = build(site)
    (data,) = jsonld(app, "privacy.html")
    assert "dateModified" not in data
    assert data["publisher"]["name"] == "Acme"


def test_page_data_names_its_own_organisation(site: GitRepo, build) -> None:
    site.write("brand/data.yaml", "organisation:\n  name: Brand Two GmbH\n"
                                  "  email: privacy@brand.example\n")
    site.write("brand/privacy.md", "---\npolicy: true\n---\n# Brand privacy\n\n"
               "```{policy-data} data.yaml\n```\n\n```{contact}\n```\n")
    site.write("index.md", "# Home\n\n```{toctree}\nprivacy\nabout\nbrand/privacy\n```\n")
    site.commit("brand", date="2025-10-01T00:00:00+00:00")
    app = build(site)
    (brand,) = jsonld(app, "brand/privacy.html")
    assert brand["publisher"]["legalName"] == "Brand Two GmbH"
    assert brand["publisher"]["email"] == "privacy@brand.example"
    assert brand["url"] == "https://policies.example.org/brand/privacy.html"
    (main,) = jsonld(app, "privacy.html")
    assert main["publisher"]["legalName"] == "Acme Widgets (Pty) Ltd"


def test_no_organisation_no_publisher(tmp_path: Path, build) -> None:
    repo = GitRepo(tmp_path / "bare")
    repo.write("conf.py", CONF.replace('"_data/*.yaml"', ""))
    repo.write("index.md", "---\npolicy: true\n---\n# Terms\n\nText.\n")
    repo.commit("terms", date=FIRST)
    app = build(repo, confoverrides={"html_baseurl": ""})
    (data,) = jsonld(app, "index.html")
    assert "publisher" not in data and "url" not in data
    assert data["dateModified"] == FIRST


def test_hostile_data_cannot_leave_the_script(site: GitRepo, build) -> None:
    hostile = '</script><script>alert("x")</script><!-- & \u2028'
    site.write("_data/organisation.yaml", ORGANISATION.replace(
        "name: Acme Widgets (Pty) Ltd", f"name: {json.dumps(hostile)}").replace(
        "website: https://acme.example/", "website: 'javascript:alert(1)'"))
    site.commit("hostile", date="2025-11-01T00:00:00+00:00")
    app = build(site)
    html = (Path(app.outdir) / "privacy.html").read_text("utf-8")
    start = html.index('<script type="application/ld+json">')
    script = html[start:html.index("</script>", start) + len("</script>")]
    assert script.count("</script") == 1 and "<!--" not in script and "\u2028" not in script
    (data,) = jsonld(app, "privacy.html")
    assert data["publisher"]["legalName"] == hostile  # escaped, not altered
    assert "url" not in data["publisher"]  # only web addresses are kept
    assert not [s for s in soup(app, "privacy.html").find_all("script") if "alert" in
                (s.string or "") and s.get("type") != "application/ld+json"]


def test_script_json_escapes_html_significant_characters() -> None:
    text = script_json({"a": "</script><!--&\u2028\u2029", "b": "ü"})
    assert text == '{"a": "\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029", "b": "ü"}'
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029", "b": "ü"}


def test_parallel_build_gives_the_same_jsonld(site: GitRepo, build) -> None:
    serial = jsonld(build(site), "privacy.html")
    parallel = jsonld(build(site, parallel=2, freshenv=True), "privacy.html")
    assert serial == parallel


# --------------------------------------------------------------------------- sitemap


def test_sitemap_has_our_dates_and_no_archived_versions(site: GitRepo, build) -> None:
    pytest.importorskip("sphinx_sitemap")
    app = build(site, "dirhtml", confoverrides={
        "extensions": ["myst_parser", "sphinx_policy", "sphinx_sitemap"],
        "sitemap_show_lastmod": True,
        "sitemap_url_scheme": "{link}",
        "sitemap_excludes": ["search/", "genindex/"],
    })
    sitemap = (Path(app.outdir) / "sitemap.xml").read_text("utf-8")
    urls = dict(re.findall(r"<loc>([^<]*)</loc>(?:<lastmod>([^<]*)</lastmod>)?", sitemap))
    assert urls == {
        "https://policies.example.org/": "2023-01-10T09:00:00Z",
        "https://policies.example.org/about/": "2023-01-10T09:00:00Z",
        "https://policies.example.org/privacy/": "2025-09-04T16:30:00Z",
    }
    # the archived versions exist (noindex) but are not offered to search engines
    assert len(list((Path(app.outdir) / "privacy/versions").iterdir())) == 4
    assert app.config.sitemap_excludes[:2] == ["search/", "genindex/"]
    (data,) = jsonld(app, "privacy/index.html")
    assert data["url"] == "https://policies.example.org/privacy/"
