"""A ledger's own templates run in Jinja's sandbox: the known escapes end in a clear refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Cli

# Each runs `touch MARK` (through RUN) or reaches Python internals if the sandbox lets it.
RUN = "popen('touch MARK').read()"
GADGETS = {
    "cycler": "{{ cycler.__init__.__globals__.os.RUN }}",
    "joiner": "{{ joiner.__init__.__globals__.os.RUN }}",
    "namespace": "{{ namespace.__init__.__globals__.os.RUN }}",
    "lipsum": "{{ lipsum.__globals__['os'].RUN }}",
    "lipsum-item": "{{ lipsum['__globals__']['os'].RUN }}",
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "template-reference": (
        "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.RUN }}"
    ),
    "range": "{{ range.__init__.__globals__ }}",
    "format": "{{ '{0.__class__.__mro__}'.format(data) }}",
    "format-map": "{{ '{x.__globals__}'.format_map({'x': banner}) }}",
    "attr-filter": "{{ (data|attr('__class__')).__init__.__globals__ }}",
    "lambda-globals": "{{ banner.__globals__['os'].RUN }}",
    "mutate-rows": "{{ by_task.pop('7.1') }}",
    "mutate-links": "{{ links.update({'x': 'javascript:alert(1)'}) }}",
}


@pytest.mark.parametrize("gadget", GADGETS, ids=list(GADGETS))
def test_escape_gadgets_are_refused(
    cli: Cli, mini_ledger: Path, tmp_path: Path, gadget: str
) -> None:
    mark = tmp_path / "被执行了"
    template = mini_ledger / "templates" / "ledger.md.j2"
    template.parent.mkdir(exist_ok=True)
    template.write_text(
        "# 台账\n\n" + GADGETS[gadget].replace("RUN", RUN).replace("MARK", str(mark)) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "台账.md"
    result = cli("export", "-f", "md", "-o", str(out), repo=mini_ledger)
    assert result.exit_code == 1, result.output
    assert "模板试图访问不允许的内容" in result.output
    assert f"{template}:3" in result.output
    assert not mark.exists() and not out.exists()


def test_ordinary_template_code_still_works(cli: Cli, mini_ledger: Path, tmp_path: Path) -> None:
    template = mini_ledger / "templates" / "ledger.md.j2"
    template.parent.mkdir(exist_ok=True)
    template.write_text(
        "{% set ns = namespace(n=0) %}{% for a in activities %}{% set ns.n = ns.n + 1 %}"
        "{% endfor %}{{ plan.year }} {{ as_of.isoformat() }} {{ ns.n }} "
        "{{ '{0}-{1}'.format(plan.year, tasks|length) }} {{ cycler('a', 'b').next() }}\n",
        encoding="utf-8",
    )
    out = tmp_path / "台账.md"
    result = cli("export", "-f", "md", "--as-of", "2022-12-31", "-o", str(out), repo=mini_ledger)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "2022 2022-12-31 1 2022-4 a\n"


def test_a_python_error_in_a_template_names_the_line(cli: Cli, mini_ledger: Path) -> None:
    template = mini_ledger / "templates" / "ledger.md.j2"
    template.parent.mkdir(exist_ok=True)
    template.write_text("# 台账\n{{ 1 // 0 }}\n", encoding="utf-8")
    result = cli("export", "-f", "md", "-o", str(mini_ledger / "x.md"), repo=mini_ledger)
    assert result.exit_code == 1, result.output
    assert f"模板渲染失败（{template}:2）" in result.output
