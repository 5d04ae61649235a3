"""Safe YAML reading that remembers where every value came from.

PyYAML's composer gives a node graph with marks; we turn it into plain Python ourselves so
that we can refuse duplicate keys, merge keys and unsafe tags, bound alias expansion and
nesting depth, and keep a (line, column) for every key and list item.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from plan_ouvert.source.findings import Finding, Severity, control_name

# libyaml's parser (shipped in PyYAML's wheels) gives the same nodes and marks, five times faster.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 2_000_000  # a real plan is about 30 kB; 2 MB leaves room for a very large one
MAX_DEPTH = 40  # plan files nest about 8 deep
MAX_NODES = 100_000  # values after alias expansion: stops « billion laughs »
# Above this many possible levels, or this many characters, nesting and size are measured on
# the event stream before the node graph is built: libyaml's composer recurses in C (a very
# deep file crashes the process instead of raising), its scanner slows down with the square
# of the nesting, and building a node for each of a million values takes seconds and memory.
SAFE_DEPTH = 1000
SAFE_LENGTH = MAX_NODES  # a file shorter than this cannot hold MAX_NODES values without aliases
# One run reports up to this many syntax errors of a file: after each one the offending line is
# neutralised and the file read again, within a budget of characters read again in all (about
# thirty readings of a large plan), so that a hostile file costs at most a second or so more.
MAX_SYNTAX_ERRORS = 20
RECOVER_BUDGET = 1_000_000
_BLOCK_PREFIX = re.compile(r"^[ ?:-]+", flags=re.MULTILINE)
# A number is bounded before it is converted: beyond this many characters (a plan's numbers
# have a dozen) YAML's forms (decimal, 0x…, 0b…, octal 0…, 1:30:00, 1.0e+400) are refused unread,
# and what is shorter must still fit a float (1.8 × 10^308), as the open data needs: Python's
# int and float then never overflow (OverflowError) nor hit the int-string limit (ValueError).
MAX_NUMBER_LENGTH = 400
# Control characters (C0, DEL, C1) may stand raw in the file only as its line breaks (CR, LF)
# and tabs; in a value, a tab and a line break (« \n » in double quotes) are text, a CR is not.
_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_VALUE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_INFINITY = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
# Line breaks as YAML counts them (marks count lines this way).
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

YamlPath = tuple[str | int, ...]


@dataclass
class Source:
    """A YAML file read into plain data, with the position of every key and item."""

    path: Path
    display: str  # the path as the user gave it, used in messages
    data: Any = None
    positions: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    # SHA-256 of the text that was loaded: what depends on this file is keyed by it, never by a
    # second reading of the file (a save in between would pair old outputs with new bytes).
    loaded_digest: str = ""

    def locate(self, path: YamlPath) -> tuple[int, int]:
        """Line and column (1-based) of the deepest part of `path` present in the file."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(tuple(path[:end]))
            if found:
                return found
        return (1, 1)


class ReadError(Exception):
    """The file is not a readable YAML document; `finding` says why and where, `findings` holds
    it and the file's other syntax errors, when one reading could find them."""

    def __init__(self, finding: Finding, unreadable: bool = False, more: list[Finding] | None = None) -> None:
        super().__init__(finding.message)
        self.finding = finding
        self.findings = [finding, *(more or [])]
        # True when the file could not even be read as text (exit code 2 in the CLI).
        self.unreadable = unreadable


def _error(display: str, line: int, column: int, code: str, message: str) -> Finding:
    return Finding(display, line, column, code, Severity.ERREUR, message)


def _position_of_offset(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def link_finding(display: str) -> Finding:
    """A symbolic link is never followed: it could publish a file from outside the repository."""
    return _error(
        display,
        1,
        1,
        "YAML-E014",
        "lien symbolique refusé : un plan ou un référentiel doit être un vrai fichier du dépôt "
        "(un lien pourrait publier un fichier d'ailleurs). Remplacez le lien par le fichier lui-même.",
    )


def read_text(path: Path, display: str) -> str:
    if path.is_symlink():
        raise ReadError(link_finding(display), unreadable=True)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(
                _error(
                    display,
                    1,
                    1,
                    "YAML-E010",
                    f"fichier trop volumineux ({size / 1_000_000:.1f} Mo) : un plan ne doit pas ".replace(".", ",")
                    + f"dépasser {MAX_BYTES / 1_000_000:.0f} Mo. Vérifiez qu'il s'agit bien d'un plan.",
                ),
                unreadable=True,
            )
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or "erreur de lecture"
        raise ReadError(_error(display, 1, 1, "YAML-E011", f"fichier illisible ({reason})."), unreadable=True) from None
    if b"\x00" in raw:
        line, column = _position_of_offset(raw, raw.index(b"\x00"))
        raise ReadError(
            _error(
                display, line, column, "YAML-E012", "fichier binaire (octet nul) : un plan est un fichier texte YAML."
            ),
            unreadable=True,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _position_of_offset(raw, exc.start)
        raise ReadError(
            _error(
                display,
                line,
                column,
                "YAML-E013",
                f"caractère non UTF-8 (octet 0x{raw[exc.start]:02X}) : enregistrez le fichier en "
                "UTF-8 (dans VS Code : « Enregistrer avec l'encodage » → UTF-8).",
            ),
            unreadable=True,
        ) from None


_BAD_INDENT = "indentation incohérente : alignez cette ligne sur les clés voisines."
# PyYAML's problems, in French. Keys are fragments of its English `problem` text.
_SYNTAX_MESSAGES = [
    ("found character '\\t'", "tabulation interdite : en YAML, on indente avec des espaces."),
    (
        "mapping values are not allowed",
        "deux-points inattendu : mettez le texte entre guillemets s'il contient « : », ou vérifiez l'indentation.",
    ),
    ("could not find expected ':'", "deux-points attendu après la clé (forme « cle: valeur »)."),
    ("did not find expected key", _BAD_INDENT),
    (
        "did not find expected '-' indicator",
        "élément de liste mal aligné : chaque élément commence par « - » au même retrait.",
    ),
    ("found unexpected end of stream", "fin de fichier inattendue : un guillemet ou un crochet n'est pas fermé."),
    (
        "found unknown escape character",
        "séquence d'échappement inconnue dans un texte entre "
        "guillemets doubles : doublez la barre oblique inverse ou utilisez des guillemets simples.",
    ),
    ("expected alphabetic or numeric character", "ancre ou alias mal formé après « & » ou « * »."),
    ("found undefined alias", "alias inconnu : aucune ancre « & » de ce nom plus haut dans le fichier."),
    ("found unacceptable character", "caractère de contrôle interdit dans un fichier YAML."),
    ("while scanning a quoted scalar", "guillemet non fermé : fermez le texte commencé ici."),
    ("found character '@'", "« @ » ne peut pas commencer une valeur : mettez le texte entre guillemets."),
    ("found character '`'", "« ` » ne peut pas commencer une valeur : mettez le texte entre guillemets."),
    ("expected a single document", "un seul document YAML par fichier : retirez le « --- » en trop."),
]


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    text = f"{exc.context or ''} {exc.problem or ''}"
    for fragment, message in _SYNTAX_MESSAGES:
        if fragment in text:
            return f"syntaxe YAML : {message}"
    return "syntaxe YAML invalide à cet endroit : vérifiez l'indentation, les guillemets et les « : »."


def _syntax_finding(display: str, exc: yaml.MarkedYAMLError) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return _error(display, line, column, "YAML-E001", _syntax_message(exc))


_UNCLOSED_QUOTE = "syntaxe YAML : guillemet non fermé : fermez le texte commencé ici."


def _unclosed_quote(text: str, problem_line: int) -> tuple[int, int] | None:
    """Where a quoted text starts that ran over several lines up to the line of the error.

    An unclosed « " » makes the parser read on to the next « " » of the file, often many lines
    below, and fail there: the place to fix is where the runaway text began.
    """
    runaway = None
    try:
        for token in yaml.scan(text, Loader=_LOADER):
            quoted = isinstance(token, yaml.ScalarToken) and token.style in ('"', "'")
            if quoted and token.start_mark.line < token.end_mark.line == problem_line:
                runaway = (token.start_mark.line + 1, token.start_mark.column + 1)
    except yaml.YAMLError:
        pass  # the scan stops at the error: the tokens before it are what counts
    return runaway


def _syntax_place(display: str, text: str, exc: yaml.MarkedYAMLError, deep: bool) -> tuple[Finding, list[int]]:
    """The finding of a syntax error, and the lines whose neutralising may let reading go on.

    `deep` allows a second look at the text (a scan) to find the true place of the error.
    """
    context, problem = exc.context_mark, exc.problem_mark
    if context is not None and "quoted scalar" in (exc.context or ""):
        line, column = context.line + 1, context.column + 1
        return _error(display, line, column, "YAML-E001", _UNCLOSED_QUOTE), [line]
    if context is not None and "simple key" in (exc.context or ""):
        # A line without « : » is reported by PyYAML on the line after it.
        line, column = context.line + 1, context.column + 1
        lines = [line] + ([problem.line + 1] if problem is not None else [])
        return _error(display, line, column, "YAML-E001", _syntax_message(exc)), lines
    if deep and problem is not None:
        # Up to the line of the error only: the parser read that far, within the nesting bounds.
        start = _unclosed_quote("\n".join(text.split("\n")[: problem.line + 1]), problem.line)
        if start is not None:
            return _error(display, *start, "YAML-E001", _UNCLOSED_QUOTE), [start[0]]
    finding = _syntax_finding(display, exc)
    stripped = _line(text, finding.line).lstrip(" ")
    if "expected '-' indicator" in (exc.problem or "") and not stripped.startswith("-") and _KEY_PREFIX.match(stripped):
        # A key one space off inside a list item: PyYAML expects the next « - »; the fix is the key's indentation.
        finding = _error(display, finding.line, finding.column, "YAML-E001", f"syntaxe YAML : {_BAD_INDENT}")
    lines = [finding.line] + ([context.line + 1] if context is not None else [])
    return finding, lines


def _line(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""


# « key: » or « - key: » at the start of a line: a line broken after it keeps its key.
_KEY_PREFIX = re.compile(r"^([ ]*(?:-[ ]+)*)[A-Za-z_][A-Za-z0-9_]*:(?=[ ]|$)[ ]*")


class _Recovery:
    """The syntax errors of one file, found by neutralising each offending line and reading again.

    A line is neutralised in steps, keeping every line number: first its value is blanked
    (« texte: ~ ») so that the structure around it still reads; then its key is aligned on the
    key above it (a line indented one space off); last it becomes a comment. Each step is tried
    when the line fails again. Only the messages come from this: the file stays unreadable.
    """

    def __init__(self, display: str, text: str) -> None:
        self.display = display
        self.original = text.split("\n")
        self.lines = list(self.original)
        self.tried: dict[int, int] = {}  # line → how many of its neutral forms were tried
        self.findings: list[Finding] = []
        # Characters that may still be read again (each reading checks nesting before building anything).
        self.budget = RECOVER_BUDGET

    def text(self) -> str:
        return "\n".join(self.lines)

    def note(self, finding: Finding, lines: list[int], comment: bool = False) -> bool:
        """Keep `finding` (one per line), neutralise the first of `lines` that still can be."""
        if all(f.line != finding.line for f in self.findings):
            self.findings.append(finding)
        return any(self._neutralise(line, comment) for line in lines)

    def _neutral_forms(self, index: int, comment: bool) -> list[str]:
        """The replacements of a line, gentlest first, the last one a comment."""
        body = self.original[index].rstrip("\r")
        forms = []
        key = _KEY_PREFIX.match(body)
        if key is not None and not comment:
            value = body[key.end() :].strip()
            if value:
                forms.append((key.group(0) + "~").ljust(len(body)))
            above = self._key_column_above(index)
            if above is not None and above != len(key.group(1)):
                forms.append(" " * above + body[len(key.group(1)) : key.end()] + ("~" if value else ""))
        forms.append("#" + " " * (len(body) - 1) if body else "#")
        return forms

    def _key_column_above(self, index: int) -> int | None:
        """Where the keys start on the nearest line above holding a key (a sibling, most often)."""
        for above in range(index - 1, -1, -1):
            key = _KEY_PREFIX.match(self.lines[above])
            if key is not None:
                return len(key.group(1))
        return None

    def _neutralise(self, line: int, comment: bool) -> bool:
        index = line - 1
        if not 0 <= index < len(self.lines):
            return False
        forms = self._neutral_forms(index, comment)
        step = self.tried.get(line, 0)
        if step >= len(forms):
            return False
        original = self.original[index]
        self.lines[index] = forms[step] + original[len(original.rstrip("\r")) :]
        self.tried[line] = step + 1
        return True

    @property
    def allowed(self) -> bool:
        """Whether the file may be read once more."""
        return self.budget >= 0

    def again(self) -> yaml.MarkedYAMLError | None:
        """Read the neutralised file again: its next syntax error, if any."""
        text = self.text()
        self.budget -= len(text)
        return _next_syntax_error(self.display, text) if self.allowed else None

    def run(self, exc: yaml.MarkedYAMLError | None) -> list[Finding]:
        while exc is not None and len(self.findings) < MAX_SYNTAX_ERRORS:
            finding, lines = _syntax_place(self.display, self.text(), exc, self.allowed)
            if not self.note(finding, lines):
                break
            exc = self.again()
        return sorted(self.findings, key=lambda f: (f.line, f.column))


def _next_syntax_error(display: str, text: str) -> yaml.MarkedYAMLError | None:
    """The first syntax error of `text`, or None when it reads (or fails for another reason)."""
    try:
        _check_shape(display, text)
        loader = _LOADER(text)
        try:
            loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        return exc
    except (yaml.YAMLError, ReadError, RecursionError):
        return None
    return None


def _syntax_error(
    display: str, text: str, exc: yaml.MarkedYAMLError | None, tabs: list[Finding] | None = None
) -> ReadError:
    """The ReadError of a file with syntax errors: the first one, and the others that reading
    the file again with each offending line neutralised finds, within the budget."""
    recovery = _Recovery(display, text)
    tabs = tabs or []
    for tab in tabs:
        recovery.note(tab, [tab.line], comment=True)
    if tabs:
        exc = recovery.again()
    found = recovery.run(exc)
    return ReadError(found[0], more=found[1:])


def _control_message(char: str, escaped: bool) -> str:
    how = " (écrit comme séquence d'échappement « \\… » entre guillemets doubles)" if escaped else ""
    return (
        f"caractère de contrôle {control_name(char)} interdit dans un plan{how} : invisible, il peut "
        "brouiller un terminal, le journal de GitHub ou un document Word. Retirez-le."
    )


def _raw_control(display: str, text: str) -> ReadError | None:
    """The first control character typed raw in the file (tab and line breaks aside)."""
    match = _RAW_CONTROL.search(text)
    if match is None:
        return None
    line, column = _text_position(text, match.start())
    finding = _error(display, line, column, "YAML-E017", _control_message(match.group(), False))
    return ReadError(finding)


def _text_position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    breaks = list(_LINE_BREAK.finditer(before))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, offset - start + 1


# The letters of the double-quoted escapes that give a control character (YAML 1.1): « \\0 »
# NUL, « \\a » BEL, « \\b », « \\v », « \\f », « \\r », « \\e » ESC, « \\N » NEL.
_CONTROL_ESCAPES = "0abvfreN"
_ESCAPE_DIGITS = {"x": 2, "u": 4, "U": 8}


def _escaped_control(source: str) -> int | None:
    """Offset in `source` (a double-quoted scalar as written) of the first escape that gives a
    control character: « \\e », « \\x1b », « \\u0007 »…"""
    index = source.find("\\")
    while index >= 0 and index + 1 < len(source):
        letter = source[index + 1]
        if letter in _CONTROL_ESCAPES:
            return index
        digits = _ESCAPE_DIGITS.get(letter)
        if digits:
            code = source[index + 2 : index + 2 + digits]
            if re.fullmatch(r"[0-9A-Fa-f]+", code) and _VALUE_CONTROL.match(chr(int(code, 16))):
                return index
        index = source.find("\\", index + 2)
    return None


class _Reader:
    def __init__(self, display: str, loader: Any, text: str = "") -> None:
        self.display = display
        self.loader = loader
        self.text = text
        self.positions: dict[YamlPath, tuple[int, int]] = {}
        self.nodes = 0
        self._line_starts: list[int] | None = None
        # Findings that do not stop reading (numbers too large, control characters).
        self.problems: list[Finding] = []

    def fail(self, node: Node, code: str, message: str) -> ReadError:
        mark = node.start_mark
        return ReadError(_error(self.display, mark.line + 1, mark.column + 1, code, message))

    def _offset(self, line: int, column: int) -> int:
        """Offset in the text of a mark's 0-based line and column."""
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        starts = self._line_starts
        return (starts[line] if line < len(starts) else len(self.text)) + column

    def _note(self, node: Node, code: str, message: str, at: tuple[int, int] | None = None) -> None:
        """Keep a finding and read on: every number too large and every control character of
        the file is reported in one run (the file is refused all the same)."""
        line, column = at or (node.start_mark.line + 1, node.start_mark.column + 1)
        if len(self.problems) < MAX_SYNTAX_ERRORS:
            self.problems.append(_error(self.display, line, column, code, message))

    def _number_fits(self, node: ScalarNode, value: Any) -> bool:
        """Whether a number fits a float (`value` _UNREAD: too long to be converted at all)."""
        too_large = value is _UNREAD
        if isinstance(value, int) and not isinstance(value, bool):
            too_large = abs(value) > sys.float_info.max  # exact: an int compared with a float
        elif isinstance(value, float):
            too_large = math.isinf(value) and not _INFINITY.fullmatch(node.value.strip())
        if too_large:
            self._note(
                node,
                "YAML-E016",
                "nombre trop grand (plus de 308 chiffres, ou plus de "
                f"{MAX_NUMBER_LENGTH} caractères) : aucun plan n'en a besoin et les données ouvertes ne "
                "pourraient pas le représenter. Écrivez un nombre plus petit, ou mettez la valeur entre "
                "guillemets si c'est un texte (code, numéro).",
            )
        return not too_large

    def _text_is_clean(self, node: ScalarNode, text: str) -> bool:
        """Whether a text is free of control characters; else a finding at the escape that
        gives the first one (raw ones were refused before reading), or at the text."""
        match = _VALUE_CONTROL.search(text)
        if match is None:
            return True
        at = None
        if node.style == '"' and self.text:
            start = self._offset(node.start_mark.line, node.start_mark.column)
            end = self._offset(node.end_mark.line, node.end_mark.column)
            found = _escaped_control(self.text[start:end])
            if found is not None:
                at = _text_position(self.text, start + found)
        self._note(node, "YAML-E017", _control_message(match.group(), node.style == '"'), at)
        return False

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag.rsplit(":", 1)[1]
        if tag in ("int", "float") and len(node.value) > MAX_NUMBER_LENGTH:
            self._number_fits(node, _UNREAD)
            return None  # never converted: the file is refused with the finding
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            raise self.fail(node, "YAML-E006", "valeur illisible : mettez-la entre guillemets.") from None
        if not self._number_fits(node, value) or (isinstance(value, str) and not self._text_is_clean(node, value)):
            return None
        return value

    def convert(self, node: Node, path: YamlPath, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(
                node,
                "YAML-E003",
                f"fichier trop complexe (plus de {MAX_NODES} valeurs une fois les alias "
                "développés) : retirez les ancres « & » et alias « * » répétés.",
            )
        if depth > MAX_DEPTH:
            raise _too_deep(self.display, node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, ScalarNode):
            if node.tag.startswith("tag:yaml.org,2002:") and node.tag.rsplit(":", 1)[1] in _SCALAR_TAGS:
                return self.scalar(node)
            raise self.fail(node, "YAML-E005", _tag_message(node.tag, path))
        if isinstance(node, SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, "YAML-E005", _tag_message(node.tag, path))
            items = []
            for index, child in enumerate(node.value):
                self.positions.setdefault((*path, index), (child.start_mark.line + 1, child.start_mark.column + 1))
                items.append(self.convert(child, (*path, index), depth + 1))
            return items
        if isinstance(node, MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self.fail(node, "YAML-E005", _tag_message(node.tag, path))
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "YAML-E007", "la fusion « << » n'est pas permise : écrivez chaque clé.")
                if not isinstance(key_node, ScalarNode):
                    raise self.fail(key_node, "YAML-E008", "une clé doit être un simple mot, pas une liste.")
                key = str(key_node.value)
                self._text_is_clean(key_node, key)
                if key in result:
                    first = self.positions.get((*path, key), (0, 0))[0]
                    raise self.fail(key_node, "YAML-E002", _duplicate_message(key, first, "prive" in path))
                self.positions.setdefault((*path, key), (key_node.start_mark.line + 1, key_node.start_mark.column + 1))
                result[key] = self.convert(value_node, (*path, key), depth + 1)
            return result
        raise self.fail(node, "YAML-E001", "syntaxe YAML invalide.")


_SCALAR_TAGS = {"str", "int", "float", "bool", "null", "timestamp"}
_UNREAD = object()  # a number too long to be converted


def _tag_message(tag: str, path: YamlPath) -> str:
    if "prive" in path:  # a tag is free text too: under `prive`, it is not quoted
        return "étiquette YAML non permise dans un plan (dans le bloc « prive ») : retirez-la."
    return f"étiquette YAML « {tag} » non permise dans un plan."


def _duplicate_message(key: str, first: int, private: bool) -> str:
    if private:
        # A key under `prive` can be a private fact itself (a business's name): never quoted.
        return (
            f"clé en double dans le bloc « prive » (déjà à la ligne {first}) : gardez-en une seule. "
            "Son nom n'est pas repris ici, ce bloc étant réservé au ministère."
        )
    return f"clé « {key} » en double (déjà à la ligne {first}) : gardez-en une seule."


def _tab_findings(display: str, text: str) -> list[Finding]:
    # PyYAML reports a tab far from where it was typed, or not at all inside some
    # values: find the indenting tabs ourselves.
    found = []
    for match in re.finditer(r"^[ ]*\t", text, flags=re.MULTILINE):
        line = text.count("\n", 0, match.start()) + 1
        column = match.end() - match.start()
        found.append(
            _error(
                display,
                line,
                column,
                "YAML-E001",
                "syntaxe YAML : tabulation interdite : en YAML, on indente avec des espaces.",
            )
        )
        if len(found) == MAX_SYNTAX_ERRORS:
            break
    return found


def _too_deep(display: str, line: int, column: int) -> ReadError:
    return ReadError(
        _error(
            display,
            line,
            column,
            "YAML-E004",
            f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux) : un plan en compte une dizaine ; "
            "vérifiez les crochets « [ » et accolades « { » à partir d'ici.",
        ),
        unreadable=True,
    )


def _possible_depth(text: str) -> int:
    """An upper bound of the nesting depth, computed in linear time without parsing.

    A flow collection opens at a « [ » or « { », so there are no more flow levels than those
    characters; a block collection starts further right than its parent (or at the same
    column for a list under a key), so block levels are bounded by the longest run of
    spaces and indicators (« - », « ? », « : ») that starts a line.
    """
    prefix = max((len(m) for m in _BLOCK_PREFIX.findall(text)), default=0)
    return text.count("[") + text.count("{") + prefix + 2


def _check_shape(display: str, text: str) -> None:
    """Refuse a file nested deeper than MAX_DEPTH, or holding more than MAX_NODES values,
    before libyaml builds its node graph.

    Real plans are far below SAFE_DEPTH and SAFE_LENGTH and skip this pass. Otherwise
    libyaml's event stream, which keeps its own stack instead of recursing, is read until
    the first level too deep or the first value too many: a file of brackets is refused
    after a few hundred events, in linear time.
    """
    if _possible_depth(text) <= SAFE_DEPTH and len(text) <= SAFE_LENGTH:
        return
    depth = values = 0
    for event in yaml.parse(text, Loader=_LOADER):
        mark = event.start_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(display, line, column)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        if isinstance(event, CollectionStartEvent | ScalarEvent | AliasEvent):
            values += 1
            if values > MAX_NODES:
                raise ReadError(
                    _error(
                        display,
                        line,
                        column,
                        "YAML-E003",
                        f"fichier trop complexe (plus de {MAX_NODES} valeurs) : un plan en compte "
                        "quelques milliers. Vérifiez qu'il s'agit bien d'un plan.",
                    ),
                    unreadable=True,
                )


def read_yaml(path: Path, display: str | None = None) -> Source:
    """Read one YAML file into a Source, or raise ReadError with French findings (every syntax
    error of a file of a plan's size at once)."""
    display = display or str(path)
    text = read_text(path, display)
    control = _raw_control(display, text)
    if control is not None:
        raise control
    tabs = _tab_findings(display, text)
    if tabs:
        raise _syntax_error(display, text, None, tabs)
    try:
        _check_shape(display, text)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(display, text, exc) from None
    except yaml.YAMLError:
        raise ReadError(_error(display, 1, 1, "YAML-E001", "syntaxe YAML invalide.")) from None
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        source = Source(path=path, display=display, loaded_digest=hashlib.sha256(text.encode("utf-8")).hexdigest())
        if node is None:
            raise ReadError(_error(display, 1, 1, "YAML-E009", "fichier vide : un plan commence par « id: »."))
        reader = _Reader(display, loader, text)
        reader.positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
        source.data = reader.convert(node, (), 0)
        if reader.problems:
            raise ReadError(reader.problems[0], more=reader.problems[1:])
        source.positions = reader.positions
        return source
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(display, text, exc) from None
    except yaml.YAMLError:
        raise ReadError(_error(display, 1, 1, "YAML-E001", "syntaxe YAML invalide.")) from None
    except RecursionError:
        raise _too_deep(display, 1, 1) from None
    finally:
        loader.dispose()
