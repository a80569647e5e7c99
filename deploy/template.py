"""What `chalice package` does not declare, generated from the code so that it cannot drift:
the DynamoDB tables (keys, indexes and TTL read from the pynamodb models), the site's S3 bucket
and the CloudFront distribution that serves site and API on one origin (with its directory-index
function and security headers), the SES identity, the failure queue and alarms of the scheduled
jobs, and one least-privilege IAM policy per Lambda function.

    python -m deploy.template resources STAGE > build/resources.json   # chalice --merge-template
    python -m deploy.template policies STAGE       # .chalice/policy-STAGE-FUNCTION.json, one each
    python -m deploy.template edge STAGE           # the us-east-1 stack: CloudFront's web ACL

Memory, timeout and log retention of each function are chalice settings (.chalice/config.json).
"""
import json
import sys
from pathlib import Path

from pynamodb.attributes import TTLAttribute

ROOT = Path(__file__).resolve().parents[1]
# CloudFront's managed cache policy for the site (the API has its own: ApiCache).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
# What CloudFront sends the API: the viewer headers the API reads (not Host: API Gateway answers
# to its own), and the viewer's address that CloudFront sets itself, which keys the public
# verification's limit (chalicelib/api/origin.py client_address).
API_HEADERS = ["Accept", "Accept-Language", "Content-Type", "X-CSRF-Token", "Idempotency-Key",
               "CloudFront-Viewer-Address"]
# A machine's API key (SPEC 5.1). CloudFront forwards Authorization only as part of a cache key:
# the API's cache policy keys on it and caches nothing (TTL 0; the API answers no-store).
API_KEY_HEADERS = ["Authorization"]
API_FUNCTION = "api_handler"   # chalice's name for the function behind the REST API
# Lambda's platform, chosen: Python 3.13 (Amazon Linux 2023, supported until 2029; python3.11 is
# deprecated on 2027-06-30) on Graviton (arm64: 20% less per GB-second than x86_64).
RUNTIME = "python3.13"
ARCHITECTURE = "arm64"

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
        "rate_limits": "UpdateItem DeleteItem",      # each send claimed once per run
    },
    "mail_feedback": {
        "accounts": "UpdateItem Query:by_email_key",
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
MAIL_FEEDBACK = "mail_feedback"   # the function SES's bounces and complaints reach (app.py)
MAIL_FROM = "mail"                # the MAIL FROM subdomain of the sender's domain

# Requests per second the API stage accepts (API Gateway throttling), so that a flood cannot
# run unbounded argon2 work: the routes that hash a password (about 0.7 s of the API function
# at 1024 MB each) get a tighter limit than the rest.
API_THROTTLE = (50, 100)                  # (rate, burst) of every route
HASHING_ROUTES = {("/api/session", "POST"): (10, 20), ("/api/accounts", "POST"): (5, 10),
                  ("/api/password/forgot", "POST"): (5, 10), ("/api/password/change", "POST"): (5, 10)}
ORIGIN_HEADER = "X-Origin-Verify"         # the secret CloudFront adds to API requests
HSTS_SECONDS = 63072000                   # two years
TLS_MINIMUM = "TLSv1.2_2021"              # what CloudFront accepts from viewers

# What an operator chooses at deploy time (`make deploy`): the site's domain with its certificate,
# the sender of the e-mails. E-mail links and the COI's QR code use the domain (TRACES_SITE_URL).
PARAMETERS = {
    "SiteDomain": {"Type": "String", "AllowedPattern": r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?",
                   "Description": "The site's domain name (e.g. traces.example.eu)"},
    "CertificateArn": {"Type": "String", "AllowedPattern": r"arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/.+",
                       "Description": "ACM certificate of SiteDomain, in us-east-1 (CloudFront's region)"},
    "MailSender": {"Type": "String", "AllowedPattern": r"[^@\s]+@[a-z0-9.-]+",
                   "Description": "The sender of the e-mails (e.g. no-reply@traces.example.eu)"},
    "OriginSecret": {"Type": "String", "NoEcho": True, "MinLength": 32, "AllowedPattern": "[A-Za-z0-9]+",
                     "Description": "Random letters and digits that CloudFront sends to the API "
                                    "(e.g. openssl rand -hex 32); keep it between deploys"},
    "AlertEmail": {"Type": "String", "Default": "",
                   "Description": "Where alarms are e-mailed (empty: no subscription)"},
    "WebAclArn": {"Type": "String", "AllowedPattern": r"arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/.+",
                  "Description": "The per-client limits of the edge stack (us-east-1), Output WebAclArn"},
    "SealAdministrator": {"Type": "String", "Default": "",
                          "Description": "ARN of who may sign the seal key's certificate request "
                                         "(dev.admin seal-csr); empty again afterwards"}}
SITE_URL = {"Fn::Sub": "https://${SiteDomain}"}
SENDER_DOMAIN = {"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "MailSender"}]}]}


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
    found.update({source.name: to_cfn_resource_name(source.name)
                  for source in [*_app().event_sources, *_app().pure_lambda_functions]})
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
    found["ApiRequests"] = {"Type": "AWS::CloudFront::OriginRequestPolicy", "Properties": {
        "OriginRequestPolicyConfig": {"Name": f"traces-{stage}-api-requests",
                                      "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": API_HEADERS},
                                      "CookiesConfig": {"CookieBehavior": "all"},
                                      "QueryStringsConfig": {"QueryStringBehavior": "all"}}}}
    found["ApiCache"] = {"Type": "AWS::CloudFront::CachePolicy", "Properties": {"CachePolicyConfig": {
        "Name": f"traces-{stage}-api-cache", "DefaultTTL": 0, "MinTTL": 0, "MaxTTL": 1,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": True, "EnableAcceptEncodingBrotli": True,
            "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": API_KEY_HEADERS},
            "CookiesConfig": {"CookieBehavior": "none"}, "QueryStringsConfig": {"QueryStringBehavior": "none"}}}}}
    router = {"Fn::GetAtt": ["SiteRouter", "FunctionMetadata.FunctionARN"]}
    headers = {"Ref": "SecurityHeaders"}
    found["Site"] = {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
        "Enabled": True, "HttpVersion": "http2and3", "IPV6Enabled": True, "PriceClass": "PriceClass_100",
        "Aliases": [{"Ref": "SiteDomain"}], "WebACLId": {"Ref": "WebAclArn"},
        "ViewerCertificate": {"AcmCertificateArn": {"Ref": "CertificateArn"}, "SslSupportMethod": "sni-only",
                              "MinimumProtocolVersion": TLS_MINIMUM},
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
                            "CachePolicyId": {"Ref": "ApiCache"},
                            "OriginRequestPolicyId": {"Ref": "ApiRequests"},
                            "ResponseHeadersPolicyId": headers}]}}}
    found["SiteBucketPolicy"] = {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": "SiteBucket"},
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${SiteBucket.Arn}/*"},
            "Condition": {"StringEquals": {"AWS:SourceArn": {
                "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Site}"}}}}]}}}
    return found


# --- mail -------------------------------------------------------------------------------------

def mail(stage: str) -> dict:
    """The sender's domain (DKIM, a MAIL FROM subdomain) and the configuration set every e-mail is
    sent with: SES suppresses an address that bounced or complained, and publishes each bounce
    and complaint to a topic that the mail_feedback function reads (it marks the account)."""
    feedback = functions()[MAIL_FEEDBACK]
    return {
        "MailIdentity": {"Type": "AWS::SES::EmailIdentity", "Properties": {
            "EmailIdentity": SENDER_DOMAIN,
            "ConfigurationSetAttributes": {"ConfigurationSetName": {"Ref": "MailConfiguration"}},
            "DkimSigningAttributes": {"NextSigningKeyLength": "RSA_2048_BIT"},
            "MailFromAttributes": {"MailFromDomain": {"Fn::Join": [".", [MAIL_FROM, SENDER_DOMAIN]]},
                                   "BehaviorOnMxFailure": "USE_DEFAULT_VALUE"}}},
        "MailConfiguration": {"Type": "AWS::SES::ConfigurationSet", "Properties": {
            "Name": f"traces-{stage}",
            "SuppressionOptions": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
            "ReputationOptions": {"ReputationMetricsEnabled": True},
            "DeliveryOptions": {"TlsPolicy": "REQUIRE"}}},
        "MailFeedbackTopic": {"Type": "AWS::SNS::Topic", "Properties": {
            "TopicName": f"traces-{stage}-mail-feedback", "KmsMasterKeyId": {"Ref": "AlertsKey"}}},
        "MailFeedbackEvents": {"Type": "AWS::SES::ConfigurationSetEventDestination", "Properties": {
            "ConfigurationSetName": {"Ref": "MailConfiguration"},
            "EventDestination": {"Name": "bounces-and-complaints", "Enabled": True,
                                 "MatchingEventTypes": ["bounce", "complaint"],
                                 "SnsDestination": {"TopicARN": {"Ref": "MailFeedbackTopic"}}}}},
        "MailFeedbackSubscription": {"Type": "AWS::SNS::Subscription", "Properties": {
            "TopicArn": {"Ref": "MailFeedbackTopic"}, "Protocol": "lambda",
            "Endpoint": {"Fn::GetAtt": [feedback, "Arn"]}}},
        "MailFeedbackInvoke": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": feedback},
            "Principal": "sns.amazonaws.com", "SourceArn": {"Ref": "MailFeedbackTopic"}}},
    }


def mail_outputs() -> dict:
    """The DNS records the sender's domain needs: DKIM's three CNAMEs, MAIL FROM's MX and SPF."""
    found = {f"DkimRecord{n}": {
        "Description": "CNAME record for DKIM: name, then value",
        "Value": {"Fn::Join": [" CNAME ", [{"Fn::GetAtt": ["MailIdentity", f"DkimDNSTokenName{n}"]},
                                           {"Fn::GetAtt": ["MailIdentity", f"DkimDNSTokenValue{n}"]}]]}}
        for n in (1, 2, 3)}
    found["MailFromRecords"] = {
        "Description": "MX and TXT (SPF) records of the MAIL FROM domain",
        "Value": {"Fn::Sub": [f"{MAIL_FROM}.${{Domain}} MX 10 feedback-smtp.${{AWS::Region}}.amazonses.com; "
                              f"{MAIL_FROM}.${{Domain}} TXT \"v=spf1 include:amazonses.com ~all\"",
                              {"Domain": SENDER_DOMAIN}]}}
    return found


# --- the functions: names, API throttling, failures and alarms ------------------------------

def operations(stage: str) -> dict:
    """Additions to the resources chalice writes: explicit function names, the API's origin
    secret, throttling and own answers, the jobs' failure destination, the alarms."""
    names = functions()
    found = {}
    for function, logical_id in names.items():
        name = function_name(stage, function)
        found[logical_id] = {"Properties": {"FunctionName": name, "Runtime": RUNTIME,
                                            "Architectures": [ARCHITECTURE], "Environment": {"Variables": {
                                                "TRACES_MAIL_CONFIGURATION_SET": {"Ref": "MailConfiguration"},
                                                "TRACES_SITE_URL": SITE_URL,
                                                "TRACES_MAIL_SENDER": {"Ref": "MailSender"}}}}}
        # chalice names the group after the function's Ref, and with the wrong logical id for
        # the API handler: the literal name also lets CloudFormation create it first.
        found[log_group_id(function)] = {"Properties": {"LogGroupName": f"/aws/lambda/{name}"}}
    found["APIHandler"]["Properties"]["Environment"]["Variables"]["TRACES_ORIGIN_SECRET"] = {"Ref": "OriginSecret"}
    for function in QUEUE_ACCESS:        # the functions that use the webhook queue know its URL
        found[names[function]]["Properties"].setdefault("Environment", {"Variables": {}})[
            "Variables"]["TRACES_WEBHOOK_QUEUE_URL"] = {"Ref": "WebhookQueue"}
    found.update(webhook_queues(stage))
    rate, burst = API_THROTTLE
    limits = [("/*", "*", rate, burst)] + [("/" + path.replace("/", "~1"), method, r, b)
                                           for (path, method), (r, b) in sorted(HASHING_ROUTES.items())]
    # Named, hence not retained: a retained group would block the create after a failed one.
    found["ApiAccessLogs"] = {"Type": "AWS::Logs::LogGroup", "Properties": {
        "LogGroupName": f"/traces/{stage}/api-access", "RetentionInDays": chalice_config()["log_retention_in_days"]}}
    # API Gateway writes logs through one role per account and region.
    found["ApiGatewayLogging"] = {"Type": "AWS::ApiGateway::Account", "Properties": {
        "CloudWatchRoleArn": {"Fn::GetAtt": ["ApiGatewayLoggingRole", "Arn"]}}}
    found["ApiGatewayLoggingRole"] = {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "sts:AssumeRole"}]},
        "ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                                          "AmazonAPIGatewayPushToCloudWatchLogs"}]}}
    # OpenApiVersion set: SAM makes no stray "Stage" stage (without throttling) besides "api".
    found["RestAPI"] = {"DependsOn": "ApiGatewayLogging", "Properties": {
        "Name": f"traces-{stage}", "OpenApiVersion": "2.0",
        "AccessLogSetting": {"DestinationArn": {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]},
                             "Format": json.dumps(ACCESS_LOG, separators=(",", ":"))},
        "MethodSettings": [
        {"ResourcePath": path, "HttpMethod": method, "ThrottlingRateLimit": r, "ThrottlingBurstLimit": b}
        for path, method, r, b in limits], "DefinitionBody": {
            "x-amazon-apigateway-gateway-responses": gateway_responses()}}}
    # Alarms must reach someone: CloudWatch cannot publish to a topic encrypted with the AWS
    # managed key (alias/aws/sns), whose policy cannot be changed; this key's policy lets it (and
    # SES, which publishes bounces and complaints).
    found["AlertsKey"] = {"Type": "AWS::KMS::Key", "Properties": {
        "Description": f"traces {stage}: the alerts and mail feedback topics", "EnableKeyRotation": True,
        "KeyPolicy": {"Version": "2012-10-17", "Statement": [
            {"Sid": "Account", "Effect": "Allow", "Action": "kms:*", "Resource": "*",
             "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}},
            {"Sid": "Publishers", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
             "Resource": "*", "Principal": {"Service": list(TOPIC_PUBLISHERS)},
             "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]}}}
    found["Alerts"] = {"Type": "AWS::SNS::Topic", "Properties": {
        "TopicName": f"traces-{stage}-alerts", "KmsMasterKeyId": {"Ref": "AlertsKey"}}}
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


# One line per API request (API Gateway's access log): who, what, the answer and its time. The
# client is CloudFront's viewer address (the API's source address is CloudFront's edge).
ACCESS_LOG = {"requestId": "$context.requestId", "time": "$context.requestTime",
              "viewer": "$context.identity.sourceIp", "method": "$context.httpMethod",
              "path": "$context.path", "status": "$context.status", "bytes": "$context.responseLength",
              "latency": "$context.responseLatency", "integrationLatency": "$context.integrationLatency",
              "error": "$context.error.responseType", "userAgent": "$context.identity.userAgent"}

# Per client (viewer IP, as CloudFront sees it) over five minutes, counted by WAF on the
# distribution: the routes that hash a password, and every API request. Beyond, WAF answers 429.
CLIENT_LIMITS = {"hashing": (100, sorted({path for path, _method in HASHING_ROUTES})), "api": (1000, ["/api/"])}


def edge(stage: str) -> dict:
    """The stack in us-east-1 (where CloudFront's WAF lives; the main stack cannot create it in
    its own region): a web ACL with rate-based rules per client IP. `make deploy` creates it
    first and passes its WebAclArn to the main stack."""
    rules = []
    for priority, (name, (limit, paths)) in enumerate(CLIENT_LIMITS.items()):
        matches = [{"ByteMatchStatement": {"FieldToMatch": {"UriPath": {}}, "PositionalConstraint":
                                           "EXACTLY" if name == "hashing" else "STARTS_WITH",
                                           "SearchString": path,
                                           "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}
                   for path in paths]
        scope = matches[0] if len(matches) == 1 else {"OrStatement": {"Statements": matches}}
        rules.append({"Name": f"per-client-{name}", "Priority": priority, "Action": {"Block": {
            "CustomResponse": {"ResponseCode": 429}}},
            "Statement": {"RateBasedStatement": {"Limit": limit, "EvaluationWindowSec": 300,
                                                 "AggregateKeyType": "IP", "ScopeDownStatement": scope}},
            "VisibilityConfig": {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True,
                                 "MetricName": f"traces-{stage}-per-client-{name}"}})
    return {"AWSTemplateFormatVersion": "2010-09-09",
            "Description": f"traces {stage}: per-client limits of the CloudFront distribution (us-east-1)",
            "Resources": {"ClientLimits": {"Type": "AWS::WAFv2::WebACL", "Properties": {
                "Name": f"traces-{stage}-client-limits", "Scope": "CLOUDFRONT", "DefaultAction": {"Allow": {}},
                "Rules": rules, "VisibilityConfig": {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True,
                                                     "MetricName": f"traces-{stage}-client-limits"}}}},
            "Outputs": {"WebAclArn": {"Value": {"Fn::GetAtt": ["ClientLimits", "Arn"]}}}}


# Who publishes to the alerts topic (its key must let them).
TOPIC_PUBLISHERS = ("cloudwatch.amazonaws.com", "ses.amazonaws.com")


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
    not negotiate it. CloudFront's response headers policy adds the security headers. They are
    part of the API's definition (x-amazon-apigateway-gateway-responses): separate
    GatewayResponse resources are dropped by a later change of the definition."""
    from chalicelib import i18n
    from chalicelib.api.http import error_body

    found = {}
    for response_type, status in GATEWAY_RESPONSES.items():
        shown = status or (500 if response_type == "DEFAULT_5XX" else 400)
        found[response_type] = {
            "responseTemplates": {"application/json": json.dumps(error_body(shown, i18n.DEFAULT))},
            "responseParameters": {"gatewayresponse.header.Cache-Control": "'no-store'"}}
        if status:
            found[response_type]["statusCode"] = status
    return found


def _alarm(description: str, namespace: str, metric: str, dimension: str, value, statistic: str,
           period: int, threshold: int = 1) -> dict:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": description, "Namespace": namespace, "MetricName": metric,
        "Dimensions": [{"Name": dimension, "Value": value}], "Statistic": statistic,
        "Period": period, "EvaluationPeriods": 1, "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": "Alerts"}]}}


def _seal_names(stage: str) -> tuple[str, str]:
    """The seal's KMS alias and SSM parameter, as chalicelib.config names them for the stage."""
    from chalicelib.config import load

    found = load({**stage_environment(stage), "TRACES_STAGE": stage})
    return found.seal_key, found.seal_chain_parameter


# What an account's administrators may do with the seal's key: everything but use it (no
# kms:Sign): only the API function signs, and, while the SealAdministrator parameter names
# someone, that person for `python -m dev.admin seal-csr` (docs/seal.md).
SEAL_KEY_ADMINISTRATION = ["kms:Describe*", "kms:List*", "kms:Get*", "kms:Create*", "kms:Put*",
                           "kms:Update*", "kms:Enable*", "kms:Disable*", "kms:Revoke*", "kms:TagResource",
                           "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]


def seal(stage: str) -> dict:
    """The seal's asymmetric key (its private half never leaves KMS) and its alias."""
    from chalice.utils import to_cfn_resource_name

    alias, _ = _seal_names(stage)
    root = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    statements = [
        {"Sid": "Administration", "Effect": "Allow", "Principal": {"AWS": root},
         "Action": SEAL_KEY_ADMINISTRATION, "Resource": "*"},
        {"Sid": "SealByTheApi", "Effect": "Allow",
         "Principal": {"AWS": {"Fn::GetAtt": [to_cfn_resource_name(f"{API_FUNCTION}_role"), "Arn"]}},
         "Action": ["kms:Sign"], "Resource": "*"},
        {"Fn::If": ["SealCertificateRequest",
                    {"Sid": "CertificateRequest", "Effect": "Allow",
                     "Principal": {"AWS": {"Ref": "SealAdministrator"}},
                     "Action": ["kms:Sign", "kms:GetPublicKey"], "Resource": "*"},
                    {"Ref": "AWS::NoValue"}]}]
    return {
        "SealKey": {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                    "Properties": {"Description": "traces: the electronic seal of the COI's PDF",
                                   "KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY",
                                   "KeyPolicy": {"Version": "2012-10-17", "Statement": statements}}},
        "SealKeyAlias": {"Type": "AWS::KMS::Alias",
                         "Properties": {"AliasName": alias, "TargetKeyId": {"Ref": "SealKey"}}}}


def resources(stage: str) -> dict:
    found = {_logical_id(model): table(model, name) for model, name in tables(stage).values()}
    found.update(site(stage))
    found.update(mail(stage))
    found.update(operations(stage))
    found.update(second_factor_key(stage))
    found.update(seal(stage))
    return {
        "Parameters": PARAMETERS,
        "Conditions": {"AlertsHaveAnAddress": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlertEmail"}, ""]}]},
                       "SealCertificateRequest": {"Fn::Not": [{"Fn::Equals": [{"Ref": "SealAdministrator"}, ""]}]}},
        "Resources": found,
        "Outputs": {
            "SiteURL": {"Value": SITE_URL},
            "SiteRecord": {"Description": "The DNS record of the site's domain",
                           "Value": {"Fn::Sub": "${SiteDomain} CNAME ${Site.DomainName}"}},
            "SiteBucketName": {"Value": {"Ref": "SiteBucket"}},
            "DistributionId": {"Value": {"Ref": "Site"}},
            "JobFailuresQueue": {"Value": {"Ref": "JobFailures"}},
            **mail_outputs()}}


# --- what a deployment needs, checked on the packaged template ------------------------------

TEMPLATE_BODY_LIMIT = 51_200          # bytes CloudFormation accepts in the request itself
TEMPLATE_URL_LIMIT = 1_000_000        # through an S3 bucket (`make deploy` always sends it so)
GATEWAY_TIMEOUT = 29                  # seconds API Gateway waits for the function


def deployment_problems(sam: dict) -> list[str]:  # noqa: C901 - one check per point of issue 17, a list
    """What would break or be unsafe on AWS although the template creates: each a sentence."""
    found, resources = [], sam["Resources"]
    size = len(json.dumps(sam).encode("utf-8"))
    if size > TEMPLATE_URL_LIMIT:
        found.append(f"the template ({size} bytes) is over CloudFormation's limit through S3")
    functions = {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    for name, properties in functions.items():
        if properties.get("Runtime") != RUNTIME or properties.get("Architectures") != [ARCHITECTURE]:
            found.append(f"{name} does not run on {RUNTIME} {ARCHITECTURE}, which the zip is built for")
    if functions["APIHandler"]["Timeout"] >= GATEWAY_TIMEOUT:
        found.append(f"the API function may run {functions['APIHandler']['Timeout']} s; API Gateway "
                     f"gives up at {GATEWAY_TIMEOUT} s")
    api = resources["RestAPI"]["Properties"]
    if "OpenApiVersion" not in api:
        found.append("without OpenApiVersion SAM adds a stray, unthrottled 'Stage' stage")
    inside = api["DefinitionBody"].get("x-amazon-apigateway-gateway-responses", {})
    if set(inside) != set(GATEWAY_RESPONSES) or any(r["Type"] == "AWS::ApiGateway::GatewayResponse"
                                                     for r in resources.values()):
        found.append("API Gateway's own answers must be inside the API definition, not separate resources")
    if "DestinationArn" not in api.get("AccessLogSetting", {}):
        found.append("the API writes no access log")
    if not resources["Site"]["Properties"]["DistributionConfig"].get("WebACLId"):
        found.append("no per-client limit: the distribution has no web ACL")
    for name, topic in ((n, r) for n, r in resources.items() if r["Type"] == "AWS::SNS::Topic"):
        key = topic["Properties"].get("KmsMasterKeyId")
        if key is not None and not _lets_publish(resources, key):
            found.append(f"{name}: its encryption key does not let {', '.join(TOPIC_PUBLISHERS)} publish")
    return found


def _lets_publish(resources: dict, key) -> bool:
    """A customer-managed key of the template whose policy lets every publisher use it."""
    if not isinstance(key, dict) or "Ref" not in key or key["Ref"] not in resources:
        return False      # an AWS managed key (alias/aws/sns): its policy cannot be changed
    statements = resources[key["Ref"]]["Properties"]["KeyPolicy"]["Statement"]
    allowed = {service for s in statements if s["Effect"] == "Allow"
               and {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(s["Action"])
               for service in s["Principal"].get("Service", [])}
    return set(TOPIC_PUBLISHERS) <= allowed


def second_factor_key(stage: str) -> dict:
    """SPEC 1.9: the KMS key that encrypts the authenticator apps' secrets, under the alias the API
    reads by default (config.py `factor_key`); only the API function may use it (`policy`)."""
    prefix = stage_environment(stage)["TRACES_TABLE_PREFIX"]
    return {
        "SecondFactorKey": {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                            "Properties": {"Description": "traces: second-factor secrets", "EnableKeyRotation": True,
                                           "KeyPolicy": {"Version": "2012-10-17", "Statement": [{
                                               "Sid": "Account", "Effect": "Allow",
                                               "Principal": {"AWS": {"Fn::Sub":
                                                                     "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                                               "Action": "kms:*", "Resource": "*"}]}}},
        "SecondFactorKeyAlias": {"Type": "AWS::KMS::Alias",
                                 "Properties": {"AliasName": f"alias/{prefix}second-factor",
                                                "TargetKeyId": {"Ref": "SecondFactorKey"}}}}


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
    sending e-mail from the configured sender with the configuration set (but mail_feedback),
    writing its own log group, and for the asynchronous functions sending their failed events to
    the failure queue. Nothing else: no Scan, no table
    administration, no BatchWriteItem (only `dev.admin` loads data in bulk)."""
    identity = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/"
    log_group = ("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/"
                 + function_name(stage, function) + ":*")
    configuration_set = ("arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}"
                         ":configuration-set/${MailConfiguration}")
    statements = _access(stage, function) + [
        {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": [{"Fn::Sub": log_group}]}]
    if function != MAIL_FEEDBACK:    # which only reads what SES reports
        statements.insert(-1, {
            "Sid": "Mail", "Effect": "Allow", "Action": ["ses:SendRawEmail"],
            "Resource": [{"Fn::Sub": [identity + "${Domain}", {"Domain": SENDER_DOMAIN}]},
                         {"Fn::Sub": identity + "${MailSender}"}, {"Fn::Sub": configuration_set}],
            "Condition": {"StringEquals": {"ses:FromAddress": {"Ref": "MailSender"}}}})
    if function == API_FUNCTION:
        statements.append({"Sid": "SecondFactorKey", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"],
                           "Resource": [{"Fn::GetAtt": ["SecondFactorKey", "Arn"]}]})
        # The COI's seal: its chain is read here; kms:Sign is granted by the key's own policy
        # (`seal`), to this function's role only (naming the key here too would be a circle).
        _, chain = _seal_names(stage)
        statements.append({"Sid": "SealChain", "Effect": "Allow", "Action": ["ssm:GetParameter"],
                           "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:"
                                                    "${AWS::AccountId}:parameter" + chain}]})
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
    if len(argv) != 2 or argv[0] not in ("resources", "policies", "edge"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "policies":
        for path in write_policies(argv[1]):
            print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
        return 0
    json.dump((edge if argv[0] == "edge" else resources)(argv[1]), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
