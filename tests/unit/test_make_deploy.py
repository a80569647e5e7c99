"""`make deploy` offline, against moto's CloudFormation, S3 and DynamoDB (deploy/deploy.py): the
stacks create from the template as packaged, the site uploads, init runs, the first administrator
exists, a second run changes nothing, and a run after a failed first create succeeds."""
import json

import pytest
from moto import mock_aws

from deploy import deploy, package, template

STAGE = "prod"
CHOICES = deploy.Choices(STAGE, "eu-west-3", "traces.example.org",
                         "arn:aws:acm:us-east-1:123456789012:certificate/0f0e", "no-reply@traces.example.org",
                         "first.admin@commission.example.org", "")


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """The template as `make package` writes it, with a small zip (moto runs no function)."""
    out = tmp_path_factory.mktemp("package")
    return package.sam_template(STAGE, out).parent


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from dev import build_site

    folder = tmp_path_factory.mktemp("site") / "site"
    build_site.build(folder)
    return folder


def _web_acl_model():
    """moto's CloudFormation has no AWS::WAFv2::WebACL: one over its WAFv2 backend."""
    from moto.core.common_models import CloudFormationModel
    from moto.wafv2.models import wafv2_backends

    class WebAcl(CloudFormationModel):
        def __init__(self, arn: str):
            self.arn = arn

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::WAFv2::WebACL"

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            p = cloudformation_json["Properties"]
            acl = wafv2_backends[account_id][region_name].create_web_acl(
                p["Name"], p["VisibilityConfig"], p["DefaultAction"], p["Scope"], "", [], p["Rules"],
                None, None, None, None, None)
            return cls(acl.arn)

        @property
        def physical_resource_id(self) -> str:
            return self.arn

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr == "Arn"

        def get_cfn_attribute(self, attribute_name: str) -> str:
            return self.arn

    return WebAcl


def _stand_in(kind: str):
    """What moto's CloudFormation cannot make (a CloudFront distribution, say) and the template
    refers to (Ref, Fn::GetAtt): a stand-in that keeps its name and answers each attribute."""
    from moto.core.common_models import CloudFormationModel

    class StandIn(CloudFormationModel):
        def __init__(self, name: str):
            self.name = name

        @staticmethod
        def cloudformation_type() -> str:
            return kind

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            return cls(resource_name)

        @property
        def physical_resource_id(self) -> str:
            return self.name.lower()

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return True

        def get_cfn_attribute(self, attribute_name: str) -> str:
            return f"{self.name}-{attribute_name}".lower().replace(".", "-")

    return StandIn


@pytest.fixture
def aws(monkeypatch, build):
    """moto, taught what it lacks: it makes a REST API from CloudFormation without its Body, has
    no WAFv2 web ACL in CloudFormation (one over its WAFv2 backend), and stands in for the
    other resource types it lacks."""
    from moto.apigateway import models
    from moto.cloudformation import parsing

    known = parsing.get_model_map()
    sam = json.loads((build / "sam.json").read_text())
    lacking = {r["Type"] for r in sam["Resources"].values()} - set(known) - {"AWS::Serverless::Function",
                                                                          "AWS::Serverless::Api"}
    models_by_type = {**known, **{kind: _stand_in(kind) for kind in lacking}, "AWS::WAFv2::WebACL": _web_acl_model()}
    monkeypatch.setattr(parsing, "get_model_map", lambda: models_by_type)
    original = models.RestAPI.create_from_cloudformation_json.__func__

    def with_body(cls, name, cloudformation_json, account_id, region_name, **kwargs):
        """The API with one of its routes (enough for a deployment and its stage)."""
        api = original(cls, name, cloudformation_json, account_id, region_name, **kwargs)
        body = cloudformation_json["Properties"]["Body"]
        path, methods = next(iter(body["paths"].items()))
        backend = models.apigateway_backends[account_id][region_name]
        resource = api.default
        for part in path.strip("/").split("/"):
            resource = backend.create_resource(api.id, resource.id, part)
        method = next(iter(methods)).upper()
        backend.put_method(api.id, resource.id, method, "NONE")
        backend.put_integration(api.id, resource.id, method, "MOCK", "", "POST")
        return api

    monkeypatch.setattr(models.RestAPI, "create_from_cloudformation_json", classmethod(with_body))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        from chalicelib.mail import mailer
        from chalicelib.store.tables import MODELS

        for model in MODELS:
            model._connection = None
        mailer.reset_client()
        yield
        for model in MODELS:
            model._connection = None


def _dynamodb():
    import boto3

    return boto3.client("dynamodb", region_name=CHOICES.region)


def test_a_first_deploy_creates_everything_and_a_second_changes_nothing(aws, build, site, capsys):
    import boto3

    outputs = deploy.deploy(CHOICES, build, site)
    cloudformation = boto3.client("cloudformation", region_name=CHOICES.region)
    assert cloudformation.describe_stacks(StackName="traces-prod")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    edge = boto3.client("cloudformation", region_name="us-east-1").describe_stacks(StackName="traces-prod-edge")
    assert edge["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    # the template went through the artifact bucket
    s3 = boto3.client("s3", region_name=CHOICES.region)
    artifacts = [b["Name"] for b in s3.list_buckets()["Buckets"] if "-artifacts-" in b["Name"]]
    assert len(artifacts) == 1
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=artifacts[0])["Contents"]]
    assert any(k.endswith("-template.json") for k in keys) and any(k.endswith("-deployment.zip") for k in keys)
    # the site
    site_keys = {o["Key"] for o in s3.list_objects_v2(Bucket=outputs["SiteBucketName"], MaxKeys=1000)["Contents"]}
    assert {"index.html", "fr/index.html", "en/login.html"} <= site_keys
    page = s3.get_object(Bucket=outputs["SiteBucketName"], Key="fr/index.html")
    assert page["CacheControl"] == "no-cache" and page["ContentType"] == "text/html"
    # init ran on the stage's tables, and the first administrator exists
    tables = _dynamodb().list_tables()["TableNames"]
    assert {name for _model, name in template.tables(STAGE).values()} <= set(tables)
    printed = capsys.readouterr().out
    password = printed.split("password (shown once): ")[1].split()[0]
    from chalicelib.services import credentials
    from chalicelib.store.accounts import find_by_email

    with _stage():
        administrator = find_by_email(CHOICES.admin_email)
        assert administrator.status == "valid" and administrator.organisation_id == "EU-COMMISSION"
        assert credentials.verify_password(administrator.password_hash, password)
    # again: nothing changes, nobody is created twice
    again = deploy.deploy(CHOICES, build, site)
    assert again == outputs
    assert "first administrator first.admin@commission.example.org: already there" in capsys.readouterr().out


def test_a_run_after_a_failed_first_create_succeeds(aws, build, site):
    """The first create failed (ROLLBACK_COMPLETE) and kept its named tables: the next run
    deletes both and creates the stack."""
    import boto3
    from moto.cloudformation.models import cloudformation_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    outputs = deploy.deploy(CHOICES, build, site)
    backend = cloudformation_backends[DEFAULT_ACCOUNT_ID][CHOICES.region]
    (stack,) = [s for s in backend.stacks.values() if s.name == "traces-prod"]
    stack.status = "ROLLBACK_COMPLETE"      # what a failed first create leaves
    assert outputs
    deploy.deploy(CHOICES, build, site)
    cloudformation = boto3.client("cloudformation", region_name=CHOICES.region)
    assert cloudformation.describe_stacks(StackName="traces-prod")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"


def test_tables_outside_any_stack_stop_the_deploy(aws, build, site):
    from chalicelib.store.tables import MODELS

    with _stage():
        MODELS[0].create_table(wait=True, billing_mode="PAY_PER_REQUEST")
    with pytest.raises(deploy.DeployError, match="already exist outside any stack"):
        deploy.deploy(CHOICES, build, site)


def test_nothing_runs_without_the_region_and_the_choices():
    with pytest.raises(deploy.DeployError) as raised:
        deploy.Choices.from_environment(STAGE, {"TRACES_SITE_DOMAIN": "traces.example.org"})
    assert "AWS_DEFAULT_REGION" in str(raised.value) and "TRACES_SITE_DOMAIN" not in str(raised.value)


def _stage():
    from unittest import mock

    return mock.patch.dict("os.environ", {**template.stage_environment(STAGE), "AWS_DEFAULT_REGION": CHOICES.region})


def test_the_deployed_template_is_plain_cloudformation_with_one_stage(build):
    body = deploy.plain_template(json.loads((build / "sam.json").read_text()), CHOICES, "bucket", "key.zip")
    assert "Transform" not in body
    stages = [r for r in body["Resources"].values() if r["Type"] == "AWS::ApiGateway::Stage"]
    assert [s["Properties"]["StageName"] for s in stages] == ["api"]
    code = body["Resources"]["APIHandler"]["Properties"]["Code"]
    assert code == {"S3Bucket": "bucket", "S3Key": "key.zip"}


def test_the_first_administrators_password_always_meets_the_policy(monkeypatch):
    """A draw without a digit (about one in thirty) is drawn again, not refused by create-user."""
    from chalicelib.domain.passwords import violations

    draws = iter(["abcdefghijklmnopqrst", "abcdefghijklmnopqr4t"])
    monkeypatch.setattr(deploy.secrets, "token_urlsafe", lambda n: next(draws))
    assert deploy.first_password("admin@example.org") == "Tr-abcdefghijklmnopqr4t"
    monkeypatch.undo()
    assert all(not violations(deploy.first_password("admin@example.org")) for _ in range(200))
