"""Random sequences of actions on COIs by random parties (hypothesis stateful testing) through the
API, checking after every step the invariants of SPEC 3: the status is always one of the table,
extracts never hold more than their base, every change is in the history, the version only
grows (and grows with every change)."""
from decimal import Decimal

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.api.coi_world import world  # noqa: F401 - fixture

PEOPLE = ("importer", "exporter", "issuer", "authority", "bcp", "consignee", "rfl", "stranger")
SYSTEM_ACTIONS = ("deplete", "replaced")     # written for another COI's action


def machine(world):
    from chalicelib.domain import coi as rules
    from chalicelib.store import audit
    from chalicelib.store.cois import Coi

    class CoiLife(RuleBasedStateMachine):
        cois = Bundle("cois")

        def __init__(self):
            super().__init__()
            self.expected: dict[str, list] = {}
            self.versions: dict[str, int] = {}

        def _record(self, coi_id: str, action: str) -> None:
            self.expected.setdefault(coi_id, []).append(action)

        def _read(self, coi_id: str) -> dict | None:
            for who in PEOPLE:
                response = world.person[who].get(f"/api/cois/{coi_id}")
                if response.status_code == 200:
                    return response.json_body
            return None

        @rule(target=cois, who=st.sampled_from(("importer", "exporter", "issuer", "rfl")),
              batches=st.booleans())
        def create(self, who, batches):
            boxes = world.boxes()
            if batches:
                boxes["box12"] = {"first_consignee": None, "release_by_batches": True}
            if who == "rfl":
                boxes["rfl"] = {"organisation": world.org["rfl"]}
            response = world.person[who].post("/api/cois", {"boxes": boxes})
            assert response.status_code == 201, response.json_body
            self._record(response.json_body["id"], "create")
            return response.json_body["id"]

        @rule(coi_id=cois, who=st.sampled_from(PEOPLE), action=st.sampled_from(rules.ACTIONS),
              outcome=st.sampled_from(sorted(rules.VERIFY_OUTCOMES)), line=st.integers(0, 1),
              share=st.sampled_from(["0.25", "0.5", "1", "1.5"]))
        def act(self, coi_id, who, action, outcome, line, share):
            current = self._read(coi_id)
            if current is None:
                return
            fields = {"version": current["version"]}
            if action == "verify":
                fields.update(outcome=outcome, reason="Contrôle documentaire")
            if action == "irregularity":
                fields["description"] = "Scellé rompu"
            if action == "extracts":
                base_line = current["boxes"]["box13"][line]
                weight = Decimal(base_line["net_weight"]) * Decimal(share)
                fields["lines"] = [{"line": line, "packages": 1, "net_weight": f"{weight:.3f}"}]
            response = world.person[who].post(f"/api/cois/{coi_id}/{action}", fields)
            assert response.status_code < 500, response.json_body
            if response.status_code == 200:
                self._record(coi_id, action)
            elif response.status_code == 201:
                self._record(coi_id, action)
                self._record(response.json_body["id"], "create")
            else:
                assert response.status_code in (400, 403, 404, 409), response.json_body

        @rule(coi_id=cois, who=st.sampled_from(PEOPLE),
              box=st.sampled_from(["box12", "box16", "box3", "box17"]))
        def edit(self, coi_id, who, box):
            current = self._read(coi_id)
            if current is None:
                return
            values = {"box12": {"first_consignee": None, "release_by_batches": True},
                      "box16": {"gross_weight": "3200.5", "unit": "kg"},
                      "box3": {"national_reference": "REF-42"},
                      "box17": {"mode": "road", "identification": "TIR 123"}}
            response = world.person[who].patch(f"/api/cois/{coi_id}", {
                "version": current["version"], "boxes": {box: values[box]}})
            assert response.status_code in (200, 403, 404, 409), response.json_body
            if response.status_code == 200 and response.json_body["version"] != current["version"]:
                self._record(coi_id, "edit")

        @invariant()
        def statuses_versions_history_and_quantities(self):
            for coi_id, expected in self.expected.items():
                coi = Coi.get(coi_id)
                assert coi.status in rules.STATUSES
                version = int(coi.version)
                assert version >= self.versions.get(coi_id, 0)
                self.versions[coi_id] = version
                trail = [r.action for r in audit.trail(f"coi#{coi_id}")]
                assert [a for a in trail if a not in SYSTEM_ACTIONS] == expected
                assert trail.count("deplete") <= 1 and (trail.count("replaced") == 1) == (
                    coi.status == rules.REPLACED)
                if coi.reserved_weight is not None:
                    self._quantities_hold(coi)

        def _quantities_hold(self, base_coi):
            lines = base_coi.boxes["box13"]
            held = [0] * len(lines)
            for extract_id in base_coi.extracts or []:
                extract = Coi.get(extract_id)
                if extract.status == rules.DELETED:
                    continue
                for position, taken in enumerate(extract.base_lines):
                    held[taken["line"]] += int(Decimal(extract.boxes["box13"][position]["net_weight"]) * 1000)
            assert held == [int(w) for w in base_coi.reserved_weight]
            for i, line in enumerate(lines):
                assert held[i] <= int(Decimal(line["net_weight"]) * 1000)

    return CoiLife


def test_random_lives_keep_the_invariants(world):
    run_state_machine_as_test(machine(world), settings=settings(
        max_examples=12, stateful_step_count=15, deadline=None,
        suppress_health_check=list(HealthCheck)))
