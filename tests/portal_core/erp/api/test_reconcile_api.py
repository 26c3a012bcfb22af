"""GET /api/v1/reconcile/: counts and checksums the ERP recomputes on its side, and the ranges
that find a difference in a few steps."""

import hashlib
import json

import pytest
from django_tenants.utils import tenant_context

from portal_core.erp.services import api_key_create
from portal_core.erp.sync.resources import RESOURCES
from portal_core.models import Branch

EMPTY = "0000000000000000"


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def checksum(rows: dict[str, str]) -> str:
    """The documented algorithm, as an ERP would write it: {external_id: content_hash} -> checksum."""
    return f"{sum(int(md5(f'{eid}:{h}')[:16], 16) for eid, h in rows.items()) % 2**64:016x}"


def erp_hashes(branches: list[dict]) -> dict[str, str]:
    """What the ERP computes for its branches: compact JSON of the schema's fields, in order."""
    return {row["external_id"]: md5(json.dumps({"external_id": row["external_id"], "name": row["name"].strip()},
                                               separators=(",", ":"), ensure_ascii=False))
            for row in branches}


BRANCHES = [{"external_id": f"S-{n}", "name": f" Sucursal Nº {n} "} for n in range(40)]


@pytest.fixture
def branches(api):
    assert api.post("branches", BRANCHES).status_code == 200


def get(api, path) -> dict:
    response = api.get(path)
    assert response.status_code == 200, response.json()
    return response.json()


def test_every_resource_has_a_count_and_a_checksum_the_erp_can_recompute(api, branches):
    body = get(api, "/api/v1/reconcile/")

    assert set(body["resources"]) == set(RESOURCES)
    assert body["resources"]["branches"] == {"count": 40, "checksum": checksum(erp_hashes(BRANCHES))}
    assert body["resources"]["customers"] == {"count": 0, "checksum": EMPTY}


def test_the_checksum_changes_when_a_row_changes_and_not_on_a_replay(api, alfa, branches):
    before = get(api, "/api/v1/reconcile/")["resources"]["branches"]
    api.post("branches", BRANCHES[:3])
    assert get(api, "/api/v1/reconcile/")["resources"]["branches"] == before

    api.post("branches", [{"external_id": "S-7", "name": "Sucursal Nº 7 (nueva)"}])

    after = get(api, "/api/v1/reconcile/")["resources"]["branches"]
    assert after["count"] == 40
    assert after["checksum"] != before["checksum"]
    expected = erp_hashes([*BRANCHES[:7], {"external_id": "S-7", "name": "Sucursal Nº 7 (nueva)"}, *BRANCHES[8:]])
    assert after["checksum"] == checksum(expected)


def test_ranges_add_up_and_bisection_finds_the_rows_that_differ(api, alfa, branches):
    # given: the portal lost S-3 (deleted outside the ERP) and holds S-11 with other content
    with tenant_context(alfa):
        Branch.objects.filter(external_id="S-3").delete()
        Branch.objects.filter(external_id="S-11").update(content_hash=md5("otra cosa"))
    erp = erp_hashes(BRANCHES)

    # when: the ERP bisects, comparing each range with its own
    def erp_range(prefix):
        return {eid: h for eid, h in erp.items() if md5(eid).startswith(prefix)}

    differing, pending, requests = set(), [""], 0
    while pending:
        prefix = pending.pop()
        body = get(api, f"/api/v1/reconcile/branches/?prefix={prefix}&limit=4")
        requests += 1
        assert [r["prefix"] for r in body["ranges"]] == [prefix + d for d in "0123456789abcdef"]
        assert sum(r["count"] for r in body["ranges"]) == body["count"]
        if body["rows"] is not None:
            portal = {row["external_id"]: row["content_hash"] for row in body["rows"]}
            differing |= {eid for eid in portal.keys() | erp_range(prefix).keys()
                          if portal.get(eid) != erp_range(prefix).get(eid)}
            continue
        pending += [r["prefix"] for r in body["ranges"]
                    if (r["count"], r["checksum"]) != (len(erp_range(r["prefix"])), checksum(erp_range(r["prefix"])))]

    # then
    assert differing == {"S-3", "S-11"}
    assert requests < 8


def test_a_small_resource_comes_with_its_rows_in_one_answer(api, branches):
    body = get(api, "/api/v1/reconcile/branches/?limit=40")

    assert body["count"] == 40 and body["prefix"] == ""
    assert sorted(row["external_id"] for row in body["rows"]) == sorted(r["external_id"] for r in BRANCHES)
    assert get(api, "/api/v1/reconcile/branches/?limit=39")["rows"] is None


@pytest.mark.parametrize("query", ["prefix=G", "prefix=A", "prefix=" + "0" * 32, "prefix=%20", "limit=0",
                                   "limit=1001"])
def test_bad_parameters_are_a_json_400(api, branches, query):
    response = api.get(f"/api/v1/reconcile/branches/?{query}")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_an_unknown_resource_is_a_json_404(api):
    response = api.get("/api/v1/reconcile/facturas/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_another_portal_sees_only_its_own_tally(api_for, alfa, beta, alfa_key, branches):
    with tenant_context(beta):
        _, beta_key = api_key_create(name="ERP de beta")

    assert get(api_for(beta, beta_key), "/api/v1/reconcile/")["resources"]["branches"] == {
        "count": 0, "checksum": EMPTY}
    assert api_for(beta, alfa_key).get("/api/v1/reconcile/").status_code == 401
    assert api_for(alfa, None).get("/api/v1/reconcile/branches/").status_code == 401
