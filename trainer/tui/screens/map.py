"""The map explorer: browse the roots on the body map and read what the deck says about each.

Arrow keys step through the roots C2..S4-5 (or through the nerves, with the nerve layer on). The
selected root's zone is highlighted and labelled on both views; beside the map are its ISNCSCI key
point, key muscle, reflexes, the disc levels that compress it, where maps disagree about it and the
nerves taught against it, each with its sources. `n` shows the cutaneous-nerve territories instead,
with the selected nerve beside the root it is confused with; `l` labels every zone.

The atlas (map and facts) is read in a worker the first time; the screen holds no SQL and opens
no database, so it works before the store is open and from `trainer map` without one.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from trainer.content.bodymap import Figure, Highlight
from trainer.content.roots import region_of
from trainer.study.atlas import Atlas
from trainer.tui.literal import literal
from trainer.tui.widgets.body_map import BodyMap


class MapScreen(Screen[None]):
    """Browse roots (or nerves) on the body map, with each one's facts and sources."""

    BINDINGS = [
        Binding("down,right", "step(1)", "Next", key_display="↓→", id="map.next"),
        Binding("up,left", "step(-1)", "Previous", key_display="↑←", id="map.previous"),
        Binding("n", "toggle_nerves", "Nerves", tooltip="Show cutaneous-nerve territories or dermatomes", id="map.nerves"),
        Binding("l", "toggle_labels", "Labels", tooltip="Write every zone's name on the map", id="map.labels"),
        Binding("pagedown", "scroll_facts(1)", "Scroll", key_display="PgDn", show=False, id="map.scroll-down"),
        Binding("pageup", "scroll_facts(-1)", "Scroll up", key_display="PgUp", show=False, id="map.scroll-up"),
        Binding("q,escape", "leave", "Back", id="map.back"),
    ]
    """Arrows browse; n toggles the nerve layer; l labels every zone; q or Escape leaves."""

    @dataclass
    class AtlasLoaded(Message):
        """The worker has read the map and the deck."""

        atlas: Atlas

    @dataclass
    class AtlasFailed(Message):
        """The map or the deck could not be read; `message` says why."""

        message: str

    def __init__(self, target: str | None = None, *, atlas: Atlas | None = None) -> None:
        """Open on `target` (a root such as "L4", or a nerve id); `atlas` if the caller has it loaded."""
        super().__init__()
        self._target = target
        self.atlas = atlas
        self.root_index = 0
        """Which root is selected (index into the map's roots)."""
        self.nerve_index = 0
        """Which nerve is selected, on the nerve layer."""
        self.map_layer = "dermatome"
        """"dermatome" or "nerve"."""
        self.map_labels = False

    def compose(self) -> ComposeResult:
        """The map on the left, the facts on the right."""
        with Horizontal(id="map-body"):
            yield Static(Content("Loading the body map…").stylize("italic $text-muted"), id="map-loading")
            # Not focusable: the arrow keys browse roots; PageUp/PageDown (or the wheel) scroll the facts.
            with VerticalScroll(id="map-facts", can_focus=False):
                yield Static(id="map-facts-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """Paint at once if the atlas came with the screen, else read it in a worker."""
        if self.atlas is not None:
            self._ready(self.atlas)
        else:
            self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="atlas", description="Reading the body map")
    def _load(self) -> None:
        from trainer.content.loader import DeckError
        from trainer.study.atlas import builtin_atlas

        try:
            atlas = builtin_atlas()
        except DeckError as error:
            self.post_message(self.AtlasFailed(str(error)))
            return
        self.post_message(self.AtlasLoaded(atlas))

    @on(AtlasLoaded)
    def _loaded(self, message: AtlasLoaded) -> None:
        self._ready(message.atlas)

    @on(AtlasFailed)
    def _failed(self, message: AtlasFailed) -> None:
        self.query_one("#map-loading", Static).update(literal(f"Could not read the body map:\n{message.message}"))

    def _ready(self, atlas: Atlas) -> None:
        self.atlas = atlas
        bodymap = atlas.bodymap
        roots = bodymap.roots()
        nerves = [n.id for n in bodymap.nerves]
        if self._target in roots:
            self.root_index = roots.index(self._target)
        elif self._target in nerves:
            self.nerve_index = nerves.index(self._target)
            self.map_layer = "nerve"
        loading = self.query_one("#map-loading", Static)
        self.query_one("#map-body", Horizontal).mount(BodyMap(bodymap, id="map-figure"), before=loading)
        loading.remove()
        self._show()

    # --- what is selected --------------------------------------------------------------------

    @property
    def selected(self) -> str:
        """The selected root, or nerve id on the nerve layer."""
        assert self.atlas is not None
        if self.map_layer == "nerve":
            return self.atlas.bodymap.nerves[self.nerve_index].id
        return self.atlas.bodymap.roots()[self.root_index]

    def action_step(self, delta: int) -> None:
        """Select the next (1) or previous (-1) root or nerve, wrapping round."""
        if self.atlas is None:
            return
        if self.map_layer == "nerve":
            self.nerve_index = (self.nerve_index + delta) % len(self.atlas.bodymap.nerves)
        else:
            self.root_index = (self.root_index + delta) % len(self.atlas.bodymap.roots())
        self._show()

    def action_toggle_nerves(self) -> None:
        """Switch between the dermatome layer and the cutaneous-nerve layer."""
        if self.atlas is None:
            return
        if self.map_layer == "dermatome":
            # Open on a nerve taught against the selected root, if there is one.
            root = self.selected
            nerves = self.atlas.bodymap.nerves
            match = next((i for i, n in enumerate(nerves) if root in n.contrasts), None)
            if match is not None:
                self.nerve_index = match
            self.map_layer = "nerve"
        else:
            nerve = self.atlas.bodymap.nerves[self.nerve_index]
            if nerve.contrasts:
                self.root_index = self.atlas.bodymap.roots().index(nerve.contrasts[0])
            self.map_layer = "dermatome"
        self._show()

    def action_toggle_labels(self) -> None:
        """Write every zone's name on the map, or stop."""
        self.map_labels = not self.map_labels
        self._show()

    def action_scroll_facts(self, direction: int) -> None:
        """Scroll the facts beside the map by a page."""
        facts = self.query_one("#map-facts", VerticalScroll)
        if direction > 0:
            facts.scroll_page_down(animate=False)
        else:
            facts.scroll_page_up(animate=False)

    def action_leave(self) -> None:
        """Back to Home, or quit when the explorer is the whole app (`trainer map`)."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()

    # --- painting -----------------------------------------------------------------------------

    def _show(self) -> None:
        """Highlight the selection on the map and write its facts."""
        assert self.atlas is not None
        bodymap = self.atlas.bodymap
        target = self.selected
        if self.map_layer == "nerve":
            nerve = bodymap.nerve(target)
            assert nerve is not None
            highlights = [Highlight(target, f"A  {nerve.name}", 0)]
            if nerve.contrasts:
                root = nerve.contrasts[0]
                highlights.append(Highlight(root, f"B  {root} dermatome, taught against it", 1))
            figure = Figure(tuple(highlights), layer="nerve", labels=self.map_labels)
            facts = self._nerve_facts(target)
        else:
            figure = Figure((Highlight(target, f"{target}  dermatome ({region_of(target)})", 0),), labels=self.map_labels)
            facts = self._root_facts(target)
        self.query_one("#map-figure", BodyMap).show_figure(figure)
        self.query_one("#map-facts-text", Static).update(facts)
        self.query_one("#map-facts", VerticalScroll).scroll_home(animate=False)
        self.sub_title = target

    def _root_facts(self, root: str) -> Content:
        assert self.atlas is not None
        atlas, bodymap = self.atlas, self.atlas.bodymap
        profile = atlas.profiles[root]
        parts: list[Content] = [Content.assemble((root, "bold $accent"), f"  {region_of(root)} root")]
        cited: list[str] = []

        def row(title: str, text: str, sources: tuple[str, ...] = ()) -> None:
            parts.append(Content.assemble((title, "bold"), "\n  ", literal(text)))
            cited.extend(s for s in sources if s not in cited)

        zones = bodymap.zones_of(root)
        if zones:
            views = " and ".join(sorted({z.view for z in zones}, key=["front", "back"].index))
            row(f"Zone ({views})", zones[0].region, zones[0].sources)
        if profile.key_point is not None:
            row("Key point (ISNCSCI) \u25cf", profile.key_point.text, profile.key_point.sources)
        if profile.key_muscle is not None:
            row("Key muscle (ISNCSCI)", profile.key_muscle.text, profile.key_muscle.sources)
        else:
            row("Key muscle (ISNCSCI)", "none: ISNCSCI has key muscles only for C5-T1 and L2-S1")
        if profile.clinical_muscles:
            row("Muscles in radiculopathy tables", "\n  ".join(f.text for f in profile.clinical_muscles),
                tuple(s for f in profile.clinical_muscles for s in f.sources))
        row(
            "Reflex",
            "\n  ".join(f.text for f in profile.reflexes) or "no standard reflex",
            tuple(s for f in profile.reflexes for s in f.sources),
        )
        row(
            "Compressed by",
            "\n  ".join(f.text for f in profile.discs) or "no disc level in the deck",
            tuple(s for f in profile.discs for s in f.sources),
        )
        for disagreement in bodymap.disagreements_of(root):
            row(f"Maps disagree: {disagreement.key}", disagreement.text, disagreement.sources)
        contrasts = [n.name for n in bodymap.nerves if root in n.contrasts]
        if contrasts:
            row("Not to confuse with (press n)", "; ".join(contrasts))
        tradition = bodymap.traditions[zones[0].tradition] if zones else None
        if tradition is not None:
            row("Map", f"{tradition.name}. Schematic: an aid, not a clinical reference.", tradition.sources)
        parts.append(Content.assemble(("Sources", "bold"), "\n  ", literal(", ".join(cited))))
        return Content("\n").join(parts)

    def _nerve_facts(self, nerve_id: str) -> Content:
        assert self.atlas is not None
        bodymap = self.atlas.bodymap
        nerve = bodymap.nerve(nerve_id)
        assert nerve is not None
        zones = bodymap.zones_of(nerve_id)
        parts: list[Content] = [Content(nerve.name).stylize("bold $accent")]
        parts.append(Content.assemble(("Territory", "bold"), "\n  ", literal("; ".join(dict.fromkeys(z.region for z in zones)))))
        if nerve.roots:
            roots = ", ".join(nerve.roots) + (f" ({nerve.roots_note})" if nerve.roots_note else "")
        else:
            roots = nerve.roots_note or "not given in the references"
        parts.append(Content.assemble(("Roots", "bold"), "\n  ", literal(roots)))
        if nerve.contrasts:
            parts.append(Content.assemble(("Taught against", "bold"), "\n  ", literal(", ".join(f"the {r} dermatome" for r in nerve.contrasts))))
        if nerve.note:
            parts.append(Content.assemble(("Why it matters", "bold"), "\n  ", literal(nerve.note)))
        parts.append(Content.assemble(("A nerve territory is not a dermatome", "italic $text-muted")))
        parts.append(Content.assemble(("Sources", "bold"), "\n  ", literal(", ".join(nerve.sources))))
        return Content("\n").join(parts)
