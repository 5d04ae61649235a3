"""The safe Markdown subset of plan text."""

from __future__ import annotations

import pytest

from plan_ouvert.outputs.texte import render


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Simple texte", "Simple texte"),
        ("Un **mot** fort et un *mot* léger", "Un <strong>mot</strong> fort et un <em>mot</em> léger"),
        (
            "Voir [le site](https://exemple.org/a?b=1&c=2)",
            'Voir <a href="https://exemple.org/a?b=1&amp;c=2" rel="external nofollow noopener">le site</a>',
        ),
        ("- un\n- deux", '<ul class="po-texte"><li>un</li><li>deux</li></ul>'),
        ("5 * 3 * 2 = 30", "5 * 3 * 2 = 30"),
        ("*les indicateurs", "*les indicateurs"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        ("[x](data:text/html,abc)", "[x](data:text/html,abc)"),
        ('[x](https://a.org/" onmouseover="alert(1))', "[x](https://a.org/&#34; onmouseover=&#34;alert(1))"),
        ("{{ config }}", "{{ config }}"),
        ("ligne 1\nligne 2", "ligne 1<br>ligne 2"),
    ],
)
def test_render(text: str, html: str) -> None:
    assert str(render(text)) == html


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("[https://www.quebec.ca](https://evil.example)", "https://evil.example"),
        ("[www.quebec.ca](https://evil.example/www.quebec.ca)", "https://evil.example/www.quebec.ca"),
        ("[quebec.ca](https://evil.example)", "https://evil.example"),
        ("[info@quebec.ca](https://evil.example)", "https://evil.example"),
        ("[https://www.quebec.ca](https://www.quebec.ca/)", "https://www.quebec.ca"),
        ("[quebec.ca](https://www.quebec.ca)", "quebec.ca"),
        ("[le portail](https://www.quebec.ca)", "le portail"),
        ("[section 1.2](https://www.quebec.ca)", "section 1.2"),
    ],
)
def test_link_text_that_reads_as_an_address_shows_the_real_target(text: str, shown: str) -> None:
    from bs4 import BeautifulSoup

    link = BeautifulSoup(str(render(text)), "html.parser").a
    assert link is not None
    assert link.get_text() == shown
    assert link["href"] == text.rsplit("(", 1)[1].rstrip(")")
