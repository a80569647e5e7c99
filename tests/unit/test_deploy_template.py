"""The deployment template declares what the code uses: every table with its indexes and TTL."""
from deploy import template
from chalicelib.store.tables import MODELS


def test_every_table_is_declared_with_its_indexes_and_ttl():
    resources = template.resources("test")["Resources"]
    for model in MODELS:
        declared = resources[f"Table{model.__name__}"]["Properties"]
        assert declared["TableName"] == model.Meta.table_name
        assert declared["KeySchema"][0]["KeyType"] == "HASH"
        expected = {index.Meta.index_name for index in model._indexes.values()}
        assert {i["IndexName"] for i in declared.get("GlobalSecondaryIndexes", [])} == expected
    assert resources["TableSession"]["Properties"]["TimeToLiveSpecification"]["Enabled"]
    assert resources["TableToken"]["Properties"]["TimeToLiveSpecification"]["AttributeName"] == "ttl"


def test_the_site_and_the_api_share_one_origin():
    distribution = template.resources("test")["Resources"]["Site"]["Properties"]["DistributionConfig"]
    assert [b["PathPattern"] for b in distribution["CacheBehaviors"]] == ["/api/*"]


def test_the_lambda_policy_allows_no_scan_and_only_the_product_tables():
    statements = template.policy("test")["Statement"]
    actions = {a for s in statements for a in s["Action"]}
    assert "dynamodb:Scan" not in actions and "dynamodb:DeleteTable" not in actions
    tables = statements[0]["Resource"]
    assert all(":table/" + "traces-test-" in arn for arn in tables)
