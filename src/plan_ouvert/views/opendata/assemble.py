"""The open-data tables of a set of plans: one per level of each kind present, plus the shared ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from plan_ouvert.source.echeance import wording
from plan_ouvert.source.kinds import Kind, Kinds, Niveau
from plan_ouvert.source.model import Indicateur, TempsImparti
from plan_ouvert.source.tree import Element, PlanTree, cible_years
from plan_ouvert.views.libelles import STATUTS_PLAN, STATUTS_RESSOURCE, TEMPS

from .columns import (
    ANCIENS_IDS,
    ANNEES,
    ECHEANCE,
    ELEMENT,
    LIBELLE,
    PARTENAIRE,
    PLAN,
    POSITION_INDICATEUR,
    RESSOURCE,
    URL,
    Column,
    Table,
    and_words,
    every_word,
    field_cells,
    field_columns,
    id_column,
    joined_numbers,
    joined_texts,
    lower_first,
    numbered_by_id_at_top,
    numero_column,
    or_words,
    sheet_title,
    snake,
    target_value,
    unique_columns,
)

# --- The tables of the known kinds ---------------------------------------------------------

# Two kinds may name a level alike with other fields (`actions` in piar and in plan-action).
# Their rows do not share a table: merged columns would leave most cells empty and lose the
# key to each parent table. The table keeps the plain name (« actions ») for the first kind
# that claims it, built-in kinds first in their shipped order, then the repository's kinds by
# id; a later kind with the same columns shares it, one with other columns gets its own table
# prefixed by its id (« plan_action_actions », sheet « Actions (Plan d'action) »). Names are
# decided over every known kind, not only those with plans, so that adding a plan never
# renames a file that someone already reads.


@dataclass
class Layout:
    """Which table receives each level's rows, for every known kind."""

    kinds: list[Kind]  # known kinds, in claiming order
    shared: dict[str, Table]  # plans, annees, mises_a_jour, partenaires, ressources, indicateurs, cibles
    levels: dict[tuple[str, str], Table] = field(default_factory=dict)  # (kind id, level type)
    partner_links: dict[tuple[str, str], Table] = field(default_factory=dict)
    allocations: dict[str, Table] = field(default_factory=dict)  # kind id
    claimed: dict[str, Table] = field(default_factory=dict)  # table name → table

    def claim(self, table: Table, kind: Kind) -> Table:
        """The table that holds rows shaped as `table`: an equal one already claimed, or `table`
        under its plain name, or under the kind's prefixed name."""
        candidates = [table.name, f"{snake(kind.id)}_{table.name}"]
        candidates += [f"{candidates[1]}_{n}" for n in range(2, 10)]
        for position, name in enumerate(candidates):
            held = self.claimed.get(name)
            if held is not None and held.same_shape(table):
                return held
            if held is None:
                title = table.title if position == 0 else f"{table.title} ({kind.spec.sigle})"
                titles = {t.title for t in self.claimed.values()}
                if sheet_title(title) in titles:
                    title = f"{table.title} ({kind.id})"
                made = replace(table, name=name, title=sheet_title(title))
                self.claimed[name] = made
                return made
        raise ValueError(f"trop de tables nommées « {table.name} »")  # ten kinds with one level name


def _known_kinds(trees: Sequence[PlanTree], kinds: Kinds | None) -> list[Kind]:
    """Every known kind in claiming order: built-in first as shipped, then the others by id."""
    builtin = Kinds.builtin()
    known = {**builtin.by_id, **(kinds.by_id if kinds else {})}
    for tree in trees:  # a plan's own kind (a repository may replace a built-in one)
        known[tree.kind.id] = tree.kind
    order = [k for k in builtin.by_id if k in known] + sorted(k for k in known if k not in builtin.by_id)
    return [known[k] for k in order]


# Headers of the shared tables name no kind: a kind added to the repository must not rename
# a column that programs read (the values are the kinds' ids and level types).
GABARIT = Column("gabarit", "Gabarit (type de plan)")
TYPE_ELEMENT = Column("type_element", "Type d'élément (niveau du plan)")


def _shared_tables() -> dict[str, Table]:
    definitions = [
        Table(
            "plans",
            "Plans",
            [
                PLAN,
                GABARIT,
                Column("programme", "Programme (référentiel)"),
                Column("titre", "Titre du plan"),
                Column("organisme", "Organisme"),
                Column("delegataire", "Organisme délégataire"),
                Column("organisme_site_web", "Site Web de l'organisme"),
                Column("statut", "Statut du plan"),
                Column("date_plan", "Date du plan", "date"),
                Column("date_convention", "Date de la convention", "date"),
                Column("periode_debut", "Début de la période", "date"),
                Column("periode_fin", "Fin de la période", "date"),
                Column("adoption_instance", "Instance d'adoption"),
                Column("adoption_date", "Date d'adoption", "date"),
                Column("adoption_resolution", "Résolution d'adoption"),
                Column("contact_nom", "Contact"),
                Column("contact_courriel", "Courriel du contact"),
                Column("contact_telephone", "Téléphone du contact"),
                Column("contact_site_web", "Site Web du contact"),
                Column("licence", "Licence des données"),
                Column("source", "Source"),
                Column("fictif", "Plan fictif", "boolean"),
                ANCIENS_IDS,
            ],
            primary_key=["plan_id"],
        ),
        Table(
            "annees",
            "Années des plans",
            [
                PLAN,
                Column("numero", "Numéro de l'année", "integer"),
                Column("libelle", "Année du plan"),
                Column("debut", "Année civile de début", "integer"),
                Column("fin", "Année civile de fin", "integer"),
            ],
            foreign_keys=[(["plan_id"], "plans", ["plan_id"])],
        ),
        Table(
            "mises_a_jour",
            "Mises à jour",
            [
                PLAN,
                Column("position", "Position", "integer"),
                Column("date", "Date de la mise à jour", "date"),
                Column("resume", "Résumé"),
                Column("resolution", "Résolution"),
            ],
            primary_key=["plan_id", "position"],
            foreign_keys=[(["plan_id"], "plans", ["plan_id"])],
        ),
        Table(
            "partenaires",
            "Partenaires",
            [
                PLAN,
                PARTENAIRE,
                Column("sigle", "Sigle"),
                Column("nom", "Nom"),
                Column("site_web", "Site Web"),
                ANCIENS_IDS,
            ],
            primary_key=["plan_id", "partenaire_id"],
            foreign_keys=[(["plan_id"], "plans", ["plan_id"])],
        ),
        Table(
            "ressources",
            "Ressources",
            [
                PLAN,
                RESSOURCE,
                Column("role", "Rôle"),
                Column("statut", "Statut de la ressource"),
                Column("temps", "Temps"),
            ],
            primary_key=["plan_id", "ressource_id"],
            foreign_keys=[(["plan_id"], "plans", ["plan_id"])],
        ),
        Table(
            "indicateurs",
            "Indicateurs",
            [
                PLAN,
                TYPE_ELEMENT,
                ELEMENT,
                POSITION_INDICATEUR,
                Column("indicateur_id", "Identifiant de l'indicateur"),
                Column("texte", "Indicateur"),
            ],
            primary_key=["plan_id", "type_element", "element_id", "indicateur_position"],
            foreign_keys=[(["plan_id"], "plans", ["plan_id"])],
        ),
        Table(
            "cibles",
            "Cibles",
            [
                PLAN,
                TYPE_ELEMENT,
                ELEMENT,
                POSITION_INDICATEUR,
                Column("cible_position", "Position de la cible", "integer"),
                ANNEES,
                Column("texte", "Cible (texte de la source)"),
                Column("valeur", "Valeur de la cible", "number"),
                Column("unite", "Unité"),
                ECHEANCE,
                Column("realise", "Réalisé (texte du suivi)"),
                Column("valeur_realisee", "Valeur réalisée", "number"),
            ],
            primary_key=["plan_id", "type_element", "element_id", "indicateur_position", "cible_position"],
            foreign_keys=[
                (
                    ["plan_id", "type_element", "element_id", "indicateur_position"],
                    "indicateurs",
                    ["plan_id", "type_element", "element_id", "indicateur_position"],
                )
            ],
        ),
    ]
    return {t.name: t for t in definitions}


def _level_table(layout: Layout, kind: Kind, depth: int) -> Table:
    """The rows of one level: its parents' ids and its own, its number, its fields, its label."""
    niveaux = kind.spec.niveaux
    niveau = niveaux[depth]
    own = id_column(niveau)
    columns = [PLAN, *(id_column(n) for n in niveaux[:depth]), own]
    if not numbered_by_id_at_top(niveau, depth):
        columns.append(numero_column(niveau))
    for champ in niveau.champs:
        columns += field_columns(champ)
    columns = unique_columns([*columns, ANCIENS_IDS, LIBELLE, URL])
    if depth == 0:
        parent_key: tuple[list[str], str, list[str]] = (["plan_id"], "plans", ["plan_id"])
    else:
        above = id_column(niveaux[depth - 1]).name
        parent_key = (["plan_id", above], layout.levels[(kind.id, niveaux[depth - 1].type)].name, ["plan_id", above])
    table = Table(niveau.cle, niveau.pluriel, columns, primary_key=["plan_id", own.name], foreign_keys=[parent_key])
    return layout.claim(table, kind)


def _partner_table(layout: Layout, kind: Kind, niveau: Niveau, level_table: Table) -> Table | None:
    """Who carries each element, one row per partner named: « Porteurs et collaborateurs »."""
    champs = [c for c in niveau.champs if c.type == "partenaires"]
    if not champs:
        return None
    own = id_column(niveau)
    titles = [champ.colonne or champ.libelle for champ in champs]
    title = and_words([titles[0], *(lower_first(t) for t in titles[1:])])
    table = Table(
        f"{level_table.name}_partenaires",  # beside its level's table, prefixed alike
        title,
        [
            PLAN,
            own,
            Column("role", f"Rôle ({or_words(list(_roles(niveau).values()))})"),
            Column("position", "Position", "integer"),
            PARTENAIRE,
        ],
        primary_key=["plan_id", own.name, "role", "position"],
        # No key to `partenaires`: a partner missing from the registry is only a warning.
        foreign_keys=[(["plan_id", own.name], level_table.name, ["plan_id", own.name])],
    )
    return layout.claim(table, kind)


def _roles(niveau: Niveau) -> dict[str, str]:
    """Field key → the role its partners have (« porteur »); the key when two fields share a role,
    so that a row stays unique."""
    champs = [c for c in niveau.champs if c.type == "partenaires"]
    named = [c.role or c.cle for c in champs]
    return {c.cle: (r if named.count(r) == 1 else c.cle) for c, r in zip(champs, named, strict=True)}


def _allocation_table(layout: Layout, kind: Kind) -> Table | None:
    """The share of each resource's time given to an element (« Temps imparti »).

    One id column per level from the top down to the lowest level with a time field: a row
    for an enjeu leaves the action empty (« vide : tout l'enjeu »).
    """
    niveaux = kind.spec.niveaux
    depths = [i for i, n in enumerate(niveaux) if any(c.type == "temps_imparti" for c in n.champs)]
    if not depths:
        return None
    chain = niveaux[: max(depths) + 1]
    columns = [PLAN]
    for depth, niveau in enumerate(chain):
        column = id_column(niveau)
        if depth:
            column = replace(column, title=f"{column.title} (vide : {every_word(chain[depth - 1])})")
        columns.append(column)
    columns += [RESSOURCE, Column("part", "Part du temps de la ressource (%)", "number")]
    top = id_column(chain[0]).name
    keys = [(["plan_id", top], layout.levels[(kind.id, chain[0].type)].name, ["plan_id", top])]
    if kind.spec.ressources:
        keys.append((["plan_id", "ressource_id"], "ressources", ["plan_id", "ressource_id"]))
    return layout.claim(Table("allocations", "Temps imparti", unique_columns(columns), foreign_keys=keys), kind)


def layout(trees: Sequence[PlanTree], kinds: Kinds | None = None) -> Layout:
    """The tables of every known kind (`kinds`: the build's, else the built-in ones and the plans')."""
    known = _known_kinds(trees, kinds)
    shared = _shared_tables()
    result = Layout(known, shared, claimed=dict(shared))
    for kind in known:
        for depth, niveau in enumerate(kind.spec.niveaux):
            level_table = _level_table(result, kind, depth)
            result.levels[(kind.id, niveau.type)] = level_table
            partners = _partner_table(result, kind, niveau, level_table)
            if partners is not None:
                result.partner_links[(kind.id, niveau.type)] = partners
        allocations = _allocation_table(result, kind)
        if allocations is not None:
            result.allocations[kind.id] = allocations
    return result


def _emitted(found: Layout, trees: Sequence[PlanTree]) -> dict[str, Table]:
    """The tables of the kinds present, in a stable order: the plans and their registries, each
    kind's levels (each followed by its partner links) and time shares, then the indicators."""
    present = {tree.kind.id for tree in trees}
    ordered: list[Table] = [found.shared[n] for n in ("plans", "annees", "mises_a_jour", "partenaires")]
    if any(k.spec.ressources for k in found.kinds if k.id in present):
        ordered.append(found.shared["ressources"])
    for kind in found.kinds:
        if kind.id not in present:
            continue
        for niveau in kind.spec.niveaux:
            ordered.append(found.levels[(kind.id, niveau.type)])
            if (kind.id, niveau.type) in found.partner_links:
                ordered.append(found.partner_links[(kind.id, niveau.type)])
        if kind.id in found.allocations:
            ordered.append(found.allocations[kind.id])
    ordered += [found.shared["indicateurs"], found.shared["cibles"]]
    return {t.name: t for t in ordered}


# --- Rows ------------------------------------------------------------------------------------


def _indicators(found: Layout, plan_id: str, element: Element) -> None:
    owner = [plan_id, element.type, element.id]
    for position, indicateur in enumerate(element.indicateurs, start=1):
        found.shared["indicateurs"].rows.append([*owner, position, indicateur.id, indicateur.texte])
        _targets(found, [*owner, position], indicateur)


def _targets(found: Layout, key: list[object], indicateur: Indicateur) -> None:
    for number, cible in enumerate(indicateur.cibles, start=1):
        found.shared["cibles"].rows.append(
            [
                *key,
                number,
                joined_numbers(cible_years(cible)),
                cible.texte,
                target_value(cible),
                cible.unite,
                wording(cible.echeance) or None,
                cible.realise,
                cible.valeur_realisee,
            ]
        )


def _plan_rows(found: Layout, tree: PlanTree) -> None:
    plan = tree.plan
    p = plan.id
    organisme, adoption, contact = plan.organisme, plan.adoption, plan.contact
    found.shared["plans"].rows.append(
        [
            p,
            tree.kind.id,
            plan.programme,
            plan.titre,
            organisme.nom,
            organisme.delegataire,
            organisme.site_web,
            STATUTS_PLAN[plan.statut] if plan.statut else None,
            plan.date_plan,
            plan.date_convention,
            plan.periode.debut if plan.periode else None,
            plan.periode.fin if plan.periode else None,
            adoption.instance if adoption else None,
            adoption.date if adoption else None,
            adoption.resolution if adoption else None,
            contact.nom if contact else None,
            contact.courriel if contact else None,
            contact.telephone if contact else None,
            contact.site_web if contact else None,
            plan.licence,
            plan.source,
            plan.fictif,
            joined_texts(plan.anciens_ids),
        ]
    )
    for annee in plan.annees:
        found.shared["annees"].rows.append([p, annee.numero, tree.annee_label(annee.numero), annee.debut, annee.fin])
    for position, maj in enumerate(plan.mises_a_jour, start=1):
        found.shared["mises_a_jour"].rows.append([p, position, maj.date, maj.resume, maj.resolution])
    for partenaire in plan.partenaires:
        found.shared["partenaires"].rows.append(
            [
                p,
                partenaire.id,
                partenaire.sigle,
                partenaire.nom,
                partenaire.site_web,
                joined_texts(partenaire.anciens_ids),
            ]
        )
    if tree.kind.spec.ressources:
        for ressource in getattr(plan, "ressources", None) or []:
            found.shared["ressources"].rows.append(
                [
                    p,
                    ressource.id,
                    ressource.role,
                    STATUTS_RESSOURCE[ressource.statut] if ressource.statut else None,
                    TEMPS[ressource.temps] if ressource.temps else None,
                ]
            )


def _element_rows(found: Layout, tree: PlanTree) -> None:
    p = tree.plan.id
    kind = tree.kind
    registry = {x.id: x for x in tree.plan.partenaires}

    def shown(ids: list[str]) -> str | None:
        # The sigle as the plan writes it, else the name; an unregistered id as is.
        return joined_texts((registry[i].sigle or registry[i].nom or i) if i in registry else i for i in ids)

    allocations = found.allocations.get(kind.id)
    id_columns = len(allocations.columns) - 3 if allocations else 0  # plan, ids…, ressource, part
    for element in tree.elements:
        niveau = element.niveau
        ids = [*(a.id for a in element.ancestors()), element.id]
        row: list[object] = [p, *ids]
        if not numbered_by_id_at_top(niveau, element.depth):
            row.append(element.record.numero if niveau.numerotation == "champ" else element.numero)
        for champ in niveau.champs:
            row += field_cells(element, champ, shown)
        row += [joined_texts(element.anciens_ids), element.libelle, element.url]
        found.levels[(kind.id, niveau.type)].rows.append(row)
        links = found.partner_links.get((kind.id, niveau.type))
        if links is not None:  # the level has a partner field
            roles = _roles(niveau)
            for champ, partner_ids in element.partenaires():
                for position, partenaire in enumerate(partner_ids, start=1):
                    links.rows.append([p, element.id, roles[champ.cle], position, partenaire])
        if allocations is not None:
            padded = (ids + [None] * id_columns)[:id_columns]
            for champ in niveau.champs:
                temps = element.valeur(champ.cle) if champ.type == "temps_imparti" else None
                for allocation in temps.allocations if isinstance(temps, TempsImparti) else []:
                    allocations.rows.append([p, *padded, allocation.ressource, allocation.part])
        _indicators(found, p, element)


def tables(trees: Sequence[PlanTree], kinds: Kinds | None = None) -> dict[str, Table]:
    """Every table of the kinds present, rows in plan id order then file order; a table without
    rows is kept (header only). `kinds`: the kinds the build knows, for stable table names."""
    ordered = sorted(trees, key=lambda t: t.plan.id)
    found = layout(ordered, kinds)
    for tree in ordered:
        _plan_rows(found, tree)
        _element_rows(found, tree)
    return _emitted(found, ordered)
