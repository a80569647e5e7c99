"""What `chalice package` does not declare, generated from the code so that it cannot drift:
the DynamoDB tables (keys, indexes and TTL read from the pynamodb models), the site's S3 bucket
and the CloudFront distribution that serves site and API on one origin (with its directory-index
function and security headers), the SES identity, the failure queue and alarms of the scheduled
jobs, and one least-privilege IAM policy per Lambda function.

    python -m deploy.template resources STAGE > build/resources.json   # chalice --merge-template
    python -m deploy.template policies STAGE       # .chalice/policy-STAGE-FUNCTION.json, one each

Memory, timeout and log retention of each function are chalice settings (.chalice/config.json).
"""
import json
import sys
from pathlib import Path

from pynamodb.attributes import TTLAttribute

ROOT = Path(__file__).resolve().parents[1]
# CloudFront managed policies: no caching for the API, every viewer header but Host forwarded.
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
API_FUNCTION = "api_handler"   # chalice's name for the function behind the REST API

# What each function does with each table, read from its code paths (the API: app.py's
# blueprints and the services they call; the jobs: chalicelib/jobs/): the DynamoDB operations,
# and "Query:" with the indexes it queries ("table": the table itself). A transaction needs the
# operation of each of its items (TransactGetItems: GetItem; TransactWriteItems: PutItem,
# UpdateItem, DeleteItem, ConditionCheckItem). tests/api/conftest.py (`granted_calls`) watches
# every API and job test and fails on a call not granted here. A new table used by the API is
# one line in its map.
ACCESS = {
    API_FUNCTION: {
        "accounts": "GetItem BatchGetItem PutItem UpdateItem Query:by_email_key,by_authority",
        "emails": "PutItem",
        "sessions": "GetItem PutItem UpdateItem DeleteItem",
        "tokens": "GetItem PutItem DeleteItem",
        "organisations": "GetItem BatchGetItem PutItem UpdateItem ConditionCheckItem "
                         "Query:by_country,by_place",
        "organisation_identifiers": "PutItem DeleteItem",
        "authorisations": "GetItem PutItem UpdateItem Query:by_account,by_organisation,by_validator",
        "audit": "PutItem Query:table",   # append-only: written, and read for a COI's history
        "cois": "GetItem PutItem UpdateItem Query:by_number",
        "coi_parties": "PutItem UpdateItem DeleteItem Query:table,by_status",
        "coi_numbers": "UpdateItem",
        "rate_limits": "UpdateItem",
        "outbox": "PutItem DeleteItem",
        "api_keys": "GetItem PutItem UpdateItem Query:by_organisation",
        "idempotency": "GetItem PutItem UpdateItem DeleteItem",
        "webhooks": "GetItem PutItem UpdateItem Query:by_organisation",
        "webhook_deliveries": "PutItem Query:table",
    },
    "lock_inactive": {
        "accounts": "UpdateItem Query:activity",
        "audit": "PutItem",
    },
    "deliver_webhooks": {
        "webhooks": "GetItem UpdateItem Query:by_organisation",
        "webhook_deliveries": "PutItem",
        "authorisations": "Query:by_organisation",
        "accounts": "BatchGetItem",
    },
    "authority_digest": {
        "accounts": "BatchGetItem Query:pending",
        "authorisations": "Query:by_organisation,role_queue",
    },
    "deliver_outbox": {
        "outbox": "PutItem UpdateItem DeleteItem Query:due",
        "accounts": "BatchGetItem",
        "authorisations": "Query:by_organisation",
        "cois": "GetItem UpdateItem",
        "coi_parties": "UpdateItem",
        "audit": "PutItem",
    },
}

# Requests per second the API stage accepts (API Gateway throttling), so that a flood cannot
# run unbounded argon2 work: the routes that hash a password (about 0.7 s of the API function
# at 1024 MB each) get a tighter limit than the rest.
API_THROTTLE = (50, 100)                  # (rate, burst) of every route
HASHING_ROUTES = {("/api/session", "POST"): (10, 20), ("/api/accounts", "POST"): (5, 10),
                  ("/api/password/forgot", "POST"): (5, 10), ("/api/password/change", "POST"): (5, 10)}
ORIGIN_HEADER = "X-Origin-Verify"         # the secret CloudFront adds to API requests
HSTS_SECONDS = 63072000                   # two years


def chalice_config() -> dict:
    """.chalice/config.json: every stage, and the settings of each function."""
    return json.loads((ROOT / ".chalice" / "config.json").read_text())


def stage_environment(stage: str) -> dict:
    config = chalice_config()
    return {**config.get("environment_variables", {}),
            **config["stages"][stage].get("environment_variables", {})}


def tables(stage: str) -> dict:
    """Every table of chalicelib/store/tables.py MODELS by its short name ("accounts"), with the
    stage's name for it (whatever stage this process imported the models under)."""
    from chalicelib.config import settings
    from chalicelib.store.tables import MODELS

    prefix = stage_environment(stage)["TRACES_TABLE_PREFIX"]
    found = {}
    for model in MODELS:
        short = model.Meta.table_name.removeprefix(settings.table_prefix)
        found[short] = (model, prefix + short)
    return found


def _app():
    from app import app

    return app


def functions() -> dict[str, str]:
    """Chalice's function names -> their logical ids in the template chalice writes."""
    from chalice.utils import to_cfn_resource_name

    found = {API_FUNCTION: "APIHandler"}
    found.update({source.name: to_cfn_resource_name(source.name) for source in _app().event_sources})
    return found


def log_group_id(function: str) -> str:
    """The logical id of the log group chalice declares for `function` (log_retention_in_days)."""
    from chalice.utils import to_cfn_resource_name

    return to_cfn_resource_name(f"{function}_log_group")


def function_name(stage: str, function: str) -> str:
    """Set explicitly, so that each role can name its own log group without a cycle."""
    return f"{chalice_config()['app_name']}-{stage}-{function}"


def _logical_id(model) -> str:
    return "Table" + model.__name__


def _keys(key_schema: list) -> list:
    # CloudFormation wants the hash key first.
    return sorted(({"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in key_schema),
                  key=lambda k: k["KeyType"])


def table(model, name: str) -> dict:
    schema = model._get_schema()
    properties = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": schema["attribute_definitions"],
        "KeySchema": _keys(schema["key_schema"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
        "DeletionProtectionEnabled": True,
    }
    indexes = [{"IndexName": index["index_name"], "KeySchema": _keys(index["key_schema"]),
                "Projection": index["projection"]} for index in schema["global_secondary_indexes"]]
    if indexes:
        properties["GlobalSecondaryIndexes"] = indexes
    ttl = next((name for name, attr in model.get_attributes().items()
                if isinstance(attr, TTLAttribute)), None)
    if ttl:
        properties["TimeToLiveSpecification"] = {"AttributeName": model.get_attributes()[ttl].attr_name,
                                                 "Enabled": True}
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain", "Properties": properties}


# --- the site ------------------------------------------------------------------------------

def site_pages() -> list[str]:
    """Every page the site build writes (dev/build_site.py), but the 404 pages."""
    from dev import build_site

    pages = ["/index.html"] + [f"/{language}/{path}" for language, _name in build_site.LANGUAGES
                               for _template, path, _id, _extra in build_site.PAGES]
    return [p for p in pages if not p.endswith("/404.html")]


def router_code() -> str:
    from dev import build_site

    code = (ROOT / "deploy" / "site_router.js").read_text("utf-8")
    pages = json.dumps({page: 1 for page in site_pages()}, separators=(",", ":"))
    languages = json.dumps([language for language, _name in build_site.LANGUAGES])
    return code.replace("__PAGES__", pages).replace("__LANGUAGES__", languages)


def security_headers() -> dict:
    """The headers the local server sends (dev/site_server.py), plus HSTS and X-Frame-Options."""
    from dev.site_server import SITE_HEADERS

    return {"SecurityHeadersConfig": {
        "ContentSecurityPolicy": {"ContentSecurityPolicy": SITE_HEADERS["Content-Security-Policy"],
                                  "Override": True},
        "ContentTypeOptions": {"Override": True},
        "FrameOptions": {"FrameOption": "DENY", "Override": True},
        "ReferrerPolicy": {"ReferrerPolicy": SITE_HEADERS["Referrer-Policy"], "Override": True},
        "StrictTransportSecurity": {"AccessControlMaxAgeSec": HSTS_SECONDS, "IncludeSubdomains": True,
                                    "Override": True}}}


def site(stage: str) -> dict:
    found = {}
    found["SiteBucket"] = {"Type": "AWS::S3::Bucket", "Properties": {
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                           "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}}
    found["SiteOriginAccess"] = {"Type": "AWS::CloudFront::OriginAccessControl", "Properties": {
        "OriginAccessControlConfig": {"Name": f"traces-{stage}-site",
                                      "OriginAccessControlOriginType": "s3",
                                      "SigningBehavior": "always", "SigningProtocol": "sigv4"}}}
    found["SiteRouter"] = {"Type": "AWS::CloudFront::Function", "Properties": {
        "Name": f"traces-{stage}-site-router", "AutoPublish": True, "FunctionCode": router_code(),
        "FunctionConfig": {"Comment": "Directory index, root redirect and 404 page of the site",
                           "Runtime": "cloudfront-js-2.0"}}}
    found["SecurityHeaders"] = {"Type": "AWS::CloudFront::ResponseHeadersPolicy", "Properties": {
        "ResponseHeadersPolicyConfig": {"Name": f"traces-{stage}-security-headers",
                                        **security_headers()}}}
    router = {"Fn::GetAtt": ["SiteRouter", "FunctionMetadata.FunctionARN"]}
    headers = {"Ref": "SecurityHeaders"}
    found["Site"] = {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
        "Enabled": True, "HttpVersion": "http2and3", "IPV6Enabled": True, "PriceClass": "PriceClass_100",
        "Origins": [
            {"Id": "site", "DomainName": {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]},
             "S3OriginConfig": {"OriginAccessIdentity": ""},
             "OriginAccessControlId": {"Fn::GetAtt": ["SiteOriginAccess", "Id"]}},
            # Routes are /api/..., the API Gateway stage is "api": CloudFront adds the stage, and
            # the secret header that the API requires (it refuses its execute-api address).
            {"Id": "api", "DomainName": {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.amazonaws.com"},
             "OriginPath": "/api", "CustomOriginConfig": {"OriginProtocolPolicy": "https-only",
                                                          "OriginSSLProtocols": ["TLSv1.2"]},
             "OriginCustomHeaders": [{"HeaderName": ORIGIN_HEADER, "HeaderValue": {"Ref": "OriginSecret"}}]}],
        # Pages are uploaded with Cache-Control: no-cache and name their assets by content hash
        # (static/site.<hash>.js), uploaded with a one-year max-age: a deploy is seen at once.
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": CACHING_OPTIMIZED, "Compress": True,
                                 "ResponseHeadersPolicyId": headers,
                                 "FunctionAssociations": [
                                     {"EventType": "viewer-request", "FunctionARN": router},
                                     {"EventType": "viewer-response", "FunctionARN": router}]},
        "CacheBehaviors": [{"PathPattern": "/api/*", "TargetOriginId": "api",
                            "ViewerProtocolPolicy": "https-only", "Compress": True,
                            "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
                            "CachePolicyId": CACHING_DISABLED,
                            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
                            "ResponseHeadersPolicyId": headers}]}}}
    found["SiteBucketPolicy"] = {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": "SiteBucket"},
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${SiteBucket.Arn}/*"},
            "Condition": {"StringEquals": {"AWS:SourceArn": {
                "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Site}"}}}}]}}}
    return found


# --- the functions: names, API throttling, failures and alarms ------------------------------

def operations(stage: str) -> dict:
    """Additions to the resources chalice writes: explicit function names, the API's origin
    secret, throttling and own answers, the jobs' failure destination, the alarms."""
    names = functions()
    found = {}
    for function, logical_id in names.items():
        name = function_name(stage, function)
        found[logical_id] = {"Properties": {"FunctionName": name}}
        # chalice names the group after the function's Ref, and with the wrong logical id for
        # the API handler: the literal name also lets CloudFormation create it first.
        found[log_group_id(function)] = {"Properties": {"LogGroupName": f"/aws/lambda/{name}"}}
    found["APIHandler"]["Properties"]["Environment"] = {
        "Variables": {"TRACES_ORIGIN_SECRET": {"Ref": "OriginSecret"}}}
    for function in QUEUE_ACCESS:        # the functions that use the webhook queue know its URL
        found[names[function]]["Properties"].setdefault("Environment", {"Variables": {}})[
            "Variables"]["TRACES_WEBHOOK_QUEUE_URL"] = {"Ref": "WebhookQueue"}
    found.update(webhook_queues(stage))
    rate, burst = API_THROTTLE
    limits = [("/*", "*", rate, burst)] + [("/" + path.replace("/", "~1"), method, r, b)
                                           for (path, method), (r, b) in sorted(HASHING_ROUTES.items())]
    found["RestAPI"] = {"Properties": {"MethodSettings": [
        {"ResourcePath": path, "HttpMethod": method, "ThrottlingRateLimit": r, "ThrottlingBurstLimit": b}
        for path, method, r, b in limits]}}
    found.update(gateway_responses())
    found["Alerts"] = {"Type": "AWS::SNS::Topic", "Properties": {
        "TopicName": f"traces-{stage}-alerts", "KmsMasterKeyId": "alias/aws/sns"}}
    found["AlertsByMail"] = {"Type": "AWS::SNS::Subscription", "Condition": "AlertsHaveAnAddress",
                             "Properties": {"TopicArn": {"Ref": "Alerts"}, "Protocol": "email",
                                            "Endpoint": {"Ref": "AlertEmail"}}}
    found["JobFailures"] = {"Type": "AWS::SQS::Queue", "Properties": {
        "QueueName": f"traces-{stage}-job-failures", "MessageRetentionPeriod": 1209600,
        "SqsManagedSseEnabled": True}}
    found["JobFailuresWaiting"] = _alarm(
        "A scheduled job failed after its retries: its event is in the job-failures queue",
        "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName",
        {"Fn::GetAtt": ["JobFailures", "QueueName"]}, "Maximum", 300)
    for function, logical_id in names.items():
        job = function != API_FUNCTION
        found[f"{logical_id}Errors"] = _alarm(
            f"{function}: errors (unhandled exceptions, timeouts, out of memory)", "AWS/Lambda", "Errors",
            "FunctionName", {"Ref": logical_id}, "Sum", 3600 if job else 300, 1 if job else 5)
        if job:
            # Scheduled runs are asynchronous invocations: two retries, then the failure queue.
            found[f"{logical_id}Failures"] = {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
                "FunctionName": {"Ref": logical_id}, "Qualifier": "$LATEST", "MaximumRetryAttempts": 2,
                "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["JobFailures", "Arn"]}}}}}
    return found


WEBHOOK_FUNCTION = "deliver_webhooks"
WEBHOOK_RECEIPTS = 5            # a message whose handling failed this often goes to the dead letters


def webhook_queues(stage: str) -> dict:
    """The webhook queue (SPEC 5.1: at least once) and its dead-letter queue: a message that
    fails to be handled five times (a crash, not a refusing endpoint: those are retried by the
    code for 24 hours) is kept 14 days there, with an alarm."""
    return {
        "WebhookDeadLetters": {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": f"traces-{stage}-webhook-dead-letters", "MessageRetentionPeriod": 1209600,
            "SqsManagedSseEnabled": True}},
        "WebhookQueue": {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": f"traces-{stage}-webhooks", "MessageRetentionPeriod": 172800,
            "VisibilityTimeout": 180, "SqsManagedSseEnabled": True,
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["WebhookDeadLetters", "Arn"]},
                              "maxReceiveCount": WEBHOOK_RECEIPTS}}},
        "WebhookDeadLettersWaiting": _alarm(
            "A webhook message failed to be handled five times: it is in the dead-letter queue",
            "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName",
            {"Fn::GetAtt": ["WebhookDeadLetters", "QueueName"]}, "Maximum", 300)}


# What the functions do with the webhook queue: the API and the outbox's job publish the events
# (services/webhooks.py `publish`), deliver_webhooks reads them.
QUEUE_ACCESS = {API_FUNCTION: ["sqs:SendMessage"], "deliver_outbox": ["sqs:SendMessage"],
                WEBHOOK_FUNCTION: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]}


# What API Gateway answers itself, before the function runs -> the status it answers with
# (None: its own). An unknown path is its 403 "Missing Authentication Token": the API's 404.
GATEWAY_RESPONSES = {"MISSING_AUTHENTICATION_TOKEN": 404, "UNSUPPORTED_MEDIA_TYPE": 415,
                     "THROTTLED": 429, "DEFAULT_4XX": None, "DEFAULT_5XX": None}


def gateway_responses() -> dict:
    """API Gateway's own answers (unknown path, throttling, a function that failed or timed
    out...) in the API's error format (api/http.py), in the default language: the gateway does
    not negotiate it. CloudFront's response headers policy adds the security headers."""
    from chalicelib import i18n
    from chalicelib.api.http import error_body

    found = {}
    for response_type, status in GATEWAY_RESPONSES.items():
        shown = status or (500 if response_type == "DEFAULT_5XX" else 400)
        properties = {"RestApiId": {"Ref": "RestAPI"}, "ResponseType": response_type,
                      "ResponseTemplates": {"application/json": json.dumps(error_body(shown, i18n.DEFAULT))},
                      "ResponseParameters": {"gatewayresponse.header.Cache-Control": "'no-store'"}}
        if status:
            properties["StatusCode"] = str(status)
        name = "Gateway" + "".join(word.capitalize() for word in response_type.split("_"))
        found[name] = {"Type": "AWS::ApiGateway::GatewayResponse", "Properties": properties}
    return found


def _alarm(description: str, namespace: str, metric: str, dimension: str, value, statistic: str,
           period: int, threshold: int = 1) -> dict:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": description, "Namespace": namespace, "MetricName": metric,
        "Dimensions": [{"Name": dimension, "Value": value}], "Statistic": statistic,
        "Period": period, "EvaluationPeriods": 1, "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": "Alerts"}]}}


def resources(stage: str) -> dict:
    env = stage_environment(stage)
    sender_domain = env["TRACES_MAIL_SENDER"].rpartition("@")[2]
    found = {_logical_id(model): table(model, name) for model, name in tables(stage).values()}
    found.update(site(stage))
    found["MailIdentity"] = {"Type": "AWS::SES::EmailIdentity",
                             "Properties": {"EmailIdentity": sender_domain}}
    found.update(operations(stage))
    return {
        "Parameters": {
            "OriginSecret": {"Type": "String", "NoEcho": True, "MinLength": 32,
                             "AllowedPattern": "[A-Za-z0-9]+",
                             "Description": "Random letters and digits that CloudFront sends to the "
                                            "API (e.g. openssl rand -hex 32); keep it between deploys"},
            "AlertEmail": {"Type": "String", "Default": "",
                           "Description": "Where alarms are e-mailed (empty: no subscription)"}},
        "Conditions": {"AlertsHaveAnAddress": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlertEmail"}, ""]}]}},
        "Resources": found,
        "Outputs": {
            "SiteURL": {"Value": {"Fn::Sub": "https://${Site.DomainName}"}},
            "SiteBucketName": {"Value": {"Ref": "SiteBucket"}},
            "DistributionId": {"Value": {"Ref": "Site"}},
            "JobFailuresQueue": {"Value": {"Ref": "JobFailures"}}}}


# --- IAM ------------------------------------------------------------------------------------

def _table_arn(model) -> dict:
    return {"Fn::GetAtt": [_logical_id(model), "Arn"]}


def _access(stage: str, function: str) -> list[dict]:
    statements = []
    known = tables(stage)
    for name, grant in ACCESS[function].items():
        model = known[name][0]
        actions = [f"dynamodb:{a}" for a in grant.split() if not a.startswith("Query")]
        queried = [a.partition(":")[2] for a in grant.split() if a.startswith("Query")]
        sid = "".join(part.capitalize() for part in name.split("_"))
        if actions:
            statements.append({"Sid": sid, "Effect": "Allow", "Action": actions,
                               "Resource": [_table_arn(model)]})
        if queried:
            statements.append({"Sid": f"{sid}Queries", "Effect": "Allow", "Action": ["dynamodb:Query"],
                               "Resource": [_table_arn(model) if index == "table" else
                                            {"Fn::Sub": f"${{{_logical_id(model)}.Arn}}/index/{index}"}
                                            for index in queried[0].split(",")]})
    return statements


def policy(stage: str, function: str) -> dict:
    """What one Lambda function may do: the operations of ACCESS on its tables and indexes,
    sending e-mail from the configured sender, writing its own log group, and for the jobs
    sending their failed events to the failure queue. Nothing else: no Scan, no table
    administration, no BatchWriteItem (only `dev.admin` loads data in bulk)."""
    env = stage_environment(stage)
    sender = env["TRACES_MAIL_SENDER"]
    identity = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/"
    log_group = ("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/"
                 + function_name(stage, function) + ":*")
    statements = _access(stage, function) + [
        {"Sid": "Mail", "Effect": "Allow", "Action": ["ses:SendRawEmail"],
         "Resource": [{"Fn::Sub": identity + sender.rpartition("@")[2]}, {"Fn::Sub": identity + sender}],
         "Condition": {"StringEquals": {"ses:FromAddress": sender}}},
        {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": [{"Fn::Sub": log_group}]}]
    if function in QUEUE_ACCESS:
        statements.append({"Sid": "WebhookQueue", "Effect": "Allow", "Action": QUEUE_ACCESS[function],
                           "Resource": [{"Fn::GetAtt": ["WebhookQueue", "Arn"]}]})
    if function != API_FUNCTION:
        statements.append({"Sid": "Failures", "Effect": "Allow", "Action": ["sqs:SendMessage"],
                           "Resource": [{"Fn::GetAtt": ["JobFailures", "Arn"]}]})
    return {"Version": "2012-10-17", "Statement": statements}


def policy_file(stage: str, function: str) -> Path:
    return ROOT / ".chalice" / f"policy-{stage}-{function}.json"


def write_policies(stage: str) -> list[Path]:
    written = []
    for function in functions():
        target = policy_file(stage, function)
        target.write_text(json.dumps(policy(stage, function), indent=2) + "\n")
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("resources", "policies"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "policies":
        for path in write_policies(argv[1]):
            print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
        return 0
    json.dump(resources(argv[1]), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
