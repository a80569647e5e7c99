"""`make deploy STAGE=...` (docs/deploying.md): everything a first deployment needs, and safe to run
again after a success or a failure.

    python -m deploy.deploy STAGE      # after `make package STAGE=...` (build/STAGE)

The choices come from the environment, and none has a default: AWS_DEFAULT_REGION (the tables
would otherwise land in whatever region a tool defaults to), TRACES_SITE_DOMAIN, TRACES_CERTIFICATE_ARN
(ACM, us-east-1), TRACES_MAIL_SENDER and TRACES_ADMIN_EMAIL; TRACES_ALERT_EMAIL is optional.

Steps: the artifact bucket (made once per account, region and stage); the Lambda zip and the
template uploaded to it (the template is over the 51,200 bytes CloudFormation takes inline); the
edge stack in us-east-1 (CloudFront's web ACL); the main stack, through a change set, from the
template translated here by AWS SAM's own translator (what cfn-lint checked is what is
deployed); the site uploaded to its bucket; `dev.admin init` against the stage's tables; the first
administrator (in EU-COMMISSION, with a password printed once); the outputs (DNS records).

A failed first create leaves the stack in ROLLBACK_COMPLETE and keeps its tables (they are
retained so that no deletion ever loses data): the stack is deleted, then the tables that this
failed stack created and retained, which hold nothing (init only runs after a success), so that
the create can run again. Tables of the stage's names that no stack of this tool made stop the
deploy with an explanation."""
import hashlib
import json
import mimetypes
import os
import secrets
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from deploy import template

ROOT = Path(__file__).resolve().parents[1]
EDGE_REGION = "us-east-1"          # where CloudFront's WAF lives
REQUIRED = {"AWS_DEFAULT_REGION": "the AWS region of the stack and its tables (e.g. eu-west-1)",
            "TRACES_SITE_DOMAIN": "the site's domain name (e.g. traces.example.eu)",
            "TRACES_CERTIFICATE_ARN": "the ACM certificate of that domain, in us-east-1",
            "TRACES_MAIL_SENDER": "the sender of the e-mails (e.g. no-reply@traces.example.eu)",
            "TRACES_ADMIN_EMAIL": "the e-mail address of the first administrator"}
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
NO_CHANGES = ("No updates are to be performed",)
IMMUTABLE = "public, max-age=31536000, immutable"   # static/site.<hash>.js: named by content


class DeployError(Exception):
    """Something the operator must settle; the message says what."""


@dataclass(frozen=True)
class Choices:
    stage: str
    region: str
    site_domain: str
    certificate_arn: str
    mail_sender: str
    admin_email: str
    alert_email: str

    @classmethod
    def from_environment(cls, stage: str, environ=os.environ) -> "Choices":
        missing = [f"{name}: {meaning}" for name, meaning in REQUIRED.items() if not environ.get(name)]
        if missing:
            raise DeployError("set these first (docs/deploying.md):\n  " + "\n  ".join(missing))
        return cls(stage, environ["AWS_DEFAULT_REGION"], environ["TRACES_SITE_DOMAIN"],
                   environ["TRACES_CERTIFICATE_ARN"], environ["TRACES_MAIL_SENDER"],
                   environ["TRACES_ADMIN_EMAIL"], environ.get("TRACES_ALERT_EMAIL", ""))


def _client(service: str, region: str):
    import boto3

    return boto3.client(service, region_name=region)


def artifact_bucket(choices: Choices, account: str) -> str:
    """The bucket the package and the template go through, made once (private, encrypted)."""
    name = f"traces-{choices.stage}-artifacts-{account}-{choices.region}"
    s3 = _client("s3", choices.region)
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=name)
        return name
    except ClientError:
        pass
    location = {} if choices.region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": choices.region}}
    s3.create_bucket(Bucket=name, **location)
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    print(f"artifact bucket {name} created")
    return name


def _upload(choices: Choices, bucket: str, name: str, body: bytes) -> str:
    """s3 key of `body` under the stage, named by its content (uploaded once)."""
    key = f"{choices.stage}/{hashlib.sha256(body).hexdigest()[:16]}-{name}"
    _client("s3", choices.region).put_object(Bucket=bucket, Key=key, Body=body)
    return key


def plain_template(sam: dict, choices: Choices, bucket: str, code_key: str) -> dict:
    """The SAM template with its code in the artifact bucket, translated to plain CloudFormation
    by SAM's translator (as CloudFormation's own transform would)."""
    from unittest import mock

    from samtranslator.translator.transform import transform

    sam = json.loads(json.dumps(sam))
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = f"s3://{bucket}/{code_key}"
    # The policy loader is only asked for managed policies named in functions' Policies: none.
    return transform(sam, {"AWS::Region": choices.region}, mock.Mock(side_effect=AssertionError))


def _status(cloudformation, name: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        return cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise


def _tables_of(body: dict) -> list[str]:
    return [r["Properties"]["TableName"] for r in body["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table"]


def _clear_failed_create(cloudformation, dynamodb, name: str) -> None:
    """A first create that failed (ROLLBACK_COMPLETE) cannot be updated: delete it, then the
    empty tables it created and retained."""
    resources = cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]
    retained = [r["PhysicalResourceId"] for r in resources
                if r["ResourceType"] == "AWS::DynamoDB::Table" and r.get("PhysicalResourceId")]
    print(f"{name}: its first create failed; deleting it, and the {len(retained)} empty tables it kept")
    cloudformation.delete_stack(StackName=name)
    cloudformation.get_waiter("stack_delete_complete").wait(StackName=name)
    existing = set(_existing_tables(dynamodb))
    for table in retained:
        if table in existing:
            dynamodb.update_table(TableName=table, DeletionProtectionEnabled=False)
            dynamodb.delete_table(TableName=table)
            dynamodb.get_waiter("table_not_exists").wait(TableName=table)


def _existing_tables(dynamodb) -> list[str]:
    found, start = [], None
    while True:
        page = dynamodb.list_tables(**({"ExclusiveStartTableName": start} if start else {}))
        found += page["TableNames"]
        start = page.get("LastEvaluatedTableName")
        if not start:
            return found


def apply_stack(region: str, name: str, body: dict, parameters: dict, template_url: str | None = None,
                keep: tuple[str, ...] = ()) -> dict:
    """Creates or updates stack `name`; returns its outputs. `keep`: NoEcho parameters whose
    previous value an update keeps."""
    cloudformation, dynamodb = _client("cloudformation", region), _client("dynamodb", region)
    status = _status(cloudformation, name)
    if status == "ROLLBACK_COMPLETE":
        _clear_failed_create(cloudformation, dynamodb, name)
        status = None
    elif status and status.endswith("_IN_PROGRESS"):
        raise DeployError(f"{name} is {status}: wait until it ends, then run make deploy again")
    if status is None:
        taken = sorted(set(_tables_of(body)) & set(_existing_tables(dynamodb)))
        if taken:
            raise DeployError(f"tables of this stage already exist outside any stack: {', '.join(taken)}. "
                              "If they hold data, import them into the stack (docs/deploying.md); if not, "
                              "delete them, then run make deploy again")
    values = [{"ParameterKey": key, "UsePreviousValue": True} if status and key in keep
              else {"ParameterKey": key, "ParameterValue": value} for key, value in parameters.items()]
    source = {"TemplateURL": template_url} if template_url else {"TemplateBody": json.dumps(body)}
    kind = "update" if status else "create"
    from botocore.exceptions import ClientError, WaiterError

    try:
        if status:
            cloudformation.update_stack(StackName=name, Parameters=values, Capabilities=CAPABILITIES, **source)
        else:
            cloudformation.create_stack(StackName=name, Parameters=values, Capabilities=CAPABILITIES,
                                        OnFailure="ROLLBACK", **source)
    except ClientError as error:
        if not any(text in str(error) for text in NO_CHANGES):
            raise DeployError(f"{name}: {error}") from None
        print(f"{name}: no change")
        return _outputs(cloudformation, name)
    try:
        cloudformation.get_waiter(f"stack_{kind}_complete").wait(
            StackName=name, WaiterConfig={"Delay": 15, "MaxAttempts": 240})
    except WaiterError:
        raise DeployError(f"{name}: {kind} failed ({_status(cloudformation, name)}): see its events "
                          f"(aws cloudformation describe-stack-events --stack-name {name}), fix, run make "
                          "deploy again") from None
    print(f"{name}: {kind} complete")
    return _outputs(cloudformation, name)


def _outputs(cloudformation, name: str) -> dict:
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def upload_site(choices: Choices, bucket: str, site: Path) -> int:
    """The built site into its bucket: pages revalidated on every visit, hashed assets cached."""
    s3 = _client("s3", choices.region)
    files = [p for p in sorted(site.rglob("*")) if p.is_file()]
    for path in files:
        key = path.relative_to(site).as_posix()
        hashed = key.startswith("static/") and len(path.stem.rsplit(".", 1)) == 2
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(),
                      ContentType=mimetypes.guess_type(key)[0] or "application/octet-stream",
                      CacheControl=IMMUTABLE if hashed else "no-cache")
    return len(files)


def first_password(email: str) -> str:
    """A random password that the password policy accepts (one in about 30 random draws lacks a
    digit, and would be refused)."""
    from chalicelib.domain.passwords import violations

    while True:
        password = "Tr-" + secrets.token_urlsafe(15)
        if not violations(password, email):
            return password


def initialise(choices: Choices) -> str | None:
    """`dev.admin init` on the stage's tables, then the first administrator: their password,
    or None when they already exist (a run after the first)."""
    from chalicelib.domain import normalise
    from chalicelib.store.accounts import find_by_email
    from dev import admin

    environment = {**template.stage_environment(choices.stage), "AWS_DEFAULT_REGION": choices.region,
                   "TRACES_MAIL_SENDER": choices.mail_sender, "TRACES_SITE_URL": f"https://{choices.site_domain}"}
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        if admin.main(["init"]) != 0:
            raise DeployError("dev.admin init failed")
        if find_by_email(normalise.email_key(normalise.email(choices.admin_email))):
            return None
        password = first_password(choices.admin_email)
        if admin.main(["create-user", choices.admin_email, "--password", password,
                       "--organisation", "EU-COMMISSION"]) != 0:
            raise DeployError("the first administrator could not be created")
        return password
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def deploy(choices: Choices, build: Path, site: Path) -> dict:
    """Every step; returns the main stack's outputs."""
    account = _client("sts", choices.region).get_caller_identity()["Account"]
    bucket = artifact_bucket(choices, account)
    code_key = _upload(choices, bucket, "deployment.zip", (build / "deployment.zip").read_bytes())
    body = plain_template(json.loads((build / "sam.json").read_text()), choices, bucket, code_key)
    template_key = _upload(choices, bucket, "template.json", json.dumps(body).encode("utf-8"))
    edge = apply_stack(EDGE_REGION, f"traces-{choices.stage}-edge", template.edge(choices.stage), {})
    parameters = {"SiteDomain": choices.site_domain, "CertificateArn": choices.certificate_arn,
                  "MailSender": choices.mail_sender, "AlertEmail": choices.alert_email,
                  "WebAclArn": edge["WebAclArn"], "OriginSecret": secrets.token_hex(32)}
    url = f"https://{bucket}.s3.{choices.region}.amazonaws.com/{template_key}"
    outputs = apply_stack(choices.region, f"traces-{choices.stage}", body, parameters, url, keep=("OriginSecret",))
    print(f"site: {upload_site(choices, outputs['SiteBucketName'], site)} files uploaded")
    password = initialise(choices)
    if password:
        print(f"first administrator {choices.admin_email}, password (shown once): {password}")
    else:
        print(f"first administrator {choices.admin_email}: already there")
    return outputs


def report(outputs: dict) -> None:
    print("\nDNS records to add (docs/deploying.md):")
    for key in ("SiteRecord", "DkimRecord1", "DkimRecord2", "DkimRecord3", "MailFromRecords"):
        if key in outputs:
            print(f"  {outputs[key]}")
    print(f"\nsite: {outputs.get('SiteURL')}")
    print("then: confirm the alarm subscription e-mail, and ask AWS to move SES out of its sandbox")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    build = ROOT / "build" / argv[0]
    try:
        choices = Choices.from_environment(argv[0])
        if not (build / "sam.json").exists():
            raise DeployError(f"no {build}/sam.json: run make package STAGE={argv[0]} first")
        from dev import build_site

        with tempfile.TemporaryDirectory() as folder:
            build_site.build(Path(folder) / "site")
            report(deploy(choices, build, Path(folder) / "site"))
    except DeployError as error:
        print(f"make deploy: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
