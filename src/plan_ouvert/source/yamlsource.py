"""Safe YAML reading that remembers where every value came from.

PyYAML's composer gives a node graph with marks; we turn it into plain Python ourselves so
that we can refuse duplicate keys, merge keys and unsafe tags, bound alias expansion and
nesting depth, and keep a (line, column) for every key and list item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from plan_ouvert.source.findings import Finding, Severity

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
_BLOCK_PREFIX = re.compile(r"^[ ?:-]+", flags=re.MULTILINE)

YamlPath = tuple[str | int, ...]


@dataclass
class Source:
    """A YAML file read into plain data, with the position of every key and item."""

    path: Path
    display: str  # the path as the user gave it, used in messages
    data: Any = None
    positions: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: YamlPath) -> tuple[int, int]:
        """Line and column (1-based) of the deepest part of `path` present in the file."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(tuple(path[:end]))
            if found:
                return found
        return (1, 1)


class ReadError(Exception):
    """The file is not a readable YAML document; `finding` says why and where."""

    def __init__(self, finding: Finding, unreadable: bool = False) -> None:
        super().__init__(finding.message)
        self.finding = finding
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


# PyYAML's problems, in French. Keys are fragments of its English `problem` text.
_SYNTAX_MESSAGES = [
    ("found character '\\t'", "tabulation interdite : en YAML, on indente avec des espaces."),
    (
        "mapping values are not allowed",
        "deux-points inattendu : mettez le texte entre guillemets s'il contient « : », ou vérifiez l'indentation.",
    ),
    ("could not find expected ':'", "deux-points attendu après la clé (forme « cle: valeur »)."),
    ("did not find expected key", "indentation incohérente : alignez cette ligne sur les clés voisines."),
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


def _syntax_finding(display: str, exc: yaml.MarkedYAMLError) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    text = f"{exc.context or ''} {exc.problem or ''}"
    for fragment, message in _SYNTAX_MESSAGES:
        if fragment in text:
            return _error(display, line, column, "YAML-E001", f"syntaxe YAML : {message}")
    return _error(
        display,
        line,
        column,
        "YAML-E001",
        "syntaxe YAML invalide à cet endroit : vérifiez l'indentation, les guillemets et les « : ».",
    )


class _Reader:
    def __init__(self, display: str, loader: Any) -> None:
        self.display = display
        self.loader = loader
        self.positions: dict[YamlPath, tuple[int, int]] = {}
        self.nodes = 0

    def fail(self, node: Node, code: str, message: str) -> ReadError:
        mark = node.start_mark
        return ReadError(_error(self.display, mark.line + 1, mark.column + 1, code, message))

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
                try:
                    return self.loader.construct_object(node, deep=True)
                except (yaml.YAMLError, ValueError):
                    raise self.fail(node, "YAML-E006", "valeur illisible : mettez-la entre guillemets.") from None
            raise self.fail(node, "YAML-E005", f"étiquette YAML « {node.tag} » non permise dans un plan.")
        if isinstance(node, SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, "YAML-E005", f"étiquette YAML « {node.tag} » non permise dans un plan.")
            items = []
            for index, child in enumerate(node.value):
                self.positions.setdefault((*path, index), (child.start_mark.line + 1, child.start_mark.column + 1))
                items.append(self.convert(child, (*path, index), depth + 1))
            return items
        if isinstance(node, MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self.fail(node, "YAML-E005", f"étiquette YAML « {node.tag} » non permise dans un plan.")
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "YAML-E007", "la fusion « << » n'est pas permise : écrivez chaque clé.")
                if not isinstance(key_node, ScalarNode):
                    raise self.fail(key_node, "YAML-E008", "une clé doit être un simple mot, pas une liste.")
                key = str(key_node.value)
                if key in result:
                    first = self.positions.get((*path, key), (0, 0))[0]
                    raise self.fail(
                        key_node,
                        "YAML-E002",
                        f"clé « {key} » en double (déjà à la ligne {first}) : gardez-en une seule.",
                    )
                self.positions.setdefault((*path, key), (key_node.start_mark.line + 1, key_node.start_mark.column + 1))
                result[key] = self.convert(value_node, (*path, key), depth + 1)
            return result
        raise self.fail(node, "YAML-E001", "syntaxe YAML invalide.")


_SCALAR_TAGS = {"str", "int", "float", "bool", "null", "timestamp"}


def _check_indentation(display: str, text: str) -> None:
    # PyYAML reports a tab far from where it was typed, or not at all inside some
    # values: find the first indenting tab ourselves.
    match = re.search(r"^[ ]*\t", text, flags=re.MULTILINE)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        column = match.end() - match.start()
        raise ReadError(
            _error(
                display,
                line,
                column,
                "YAML-E001",
                "syntaxe YAML : tabulation interdite : en YAML, on indente avec des espaces.",
            )
        )


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
    """Read one YAML file into a Source, or raise ReadError with a French finding."""
    display = display or str(path)
    text = read_text(path, display)
    _check_indentation(display, text)
    try:
        _check_shape(display, text)
    except yaml.MarkedYAMLError as exc:
        raise ReadError(_syntax_finding(display, exc)) from None
    except yaml.YAMLError:
        raise ReadError(_error(display, 1, 1, "YAML-E001", "syntaxe YAML invalide.")) from None
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        source = Source(path=path, display=display)
        if node is None:
            raise ReadError(_error(display, 1, 1, "YAML-E009", "fichier vide : un plan commence par « id: »."))
        reader = _Reader(display, loader)
        reader.positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
        source.data = reader.convert(node, (), 0)
        source.positions = reader.positions
        return source
    except yaml.MarkedYAMLError as exc:
        raise ReadError(_syntax_finding(display, exc)) from None
    except yaml.YAMLError:
        raise ReadError(_error(display, 1, 1, "YAML-E001", "syntaxe YAML invalide.")) from None
    except RecursionError:
        raise _too_deep(display, 1, 1) from None
    finally:
        loader.dispose()
