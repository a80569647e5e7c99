"""The deployment template as `make package` writes it (chalice's template merged with
deploy/template.py's, read here without building the zip): what the code uses is declared, and
an operator can deploy it as it is. The zip's size and start are checked by `make package`."""
import json
import re
from pathlib import Path

import pytest

from chalicelib.api import origin
from chalicelib.store.tables import MODELS
from deploy import package, template
from dev.site_server import SITE_HEADERS

STAGE = "prod"


@pytest.fixture(scope="module")
def sam(tmp_path_factory) -> dict:
    path = package.sam_template(STAGE, tmp_path_factory.mktemp("package"))
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def resources(sam) -> dict:
    return sam["Resources"]


def of_type(resources: dict, kind: str) -> dict:
    return {name: r for name, r in resources.items() if r["Type"] == kind}


def test_the_template_lints_clean(sam, tmp_path):
    path = tmp_path / "sam.json"
    path.write_text(json.dumps(sam))
    assert package.lint(path) == ""


def test_every_table_is_declared_with_its_indexes_ttl_and_protection(resources):
    for model in MODELS:
        declared = resources[f"Table{model.__name__}"]
        properties = declared["Properties"]
        assert properties["TableName"].startswith("traces-prod-")
        assert properties["KeySchema"][0]["KeyType"] == "HASH"
        expected = {index.Meta.index_name for index in model._indexes.values()}
        assert {i["IndexName"] for i in properties.get("GlobalSecondaryIndexes", [])} == expected
        assert properties["DeletionProtectionEnabled"] and declared["DeletionPolicy"] == "Retain"
        assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert resources["TableSession"]["Properties"]["TimeToLiveSpecification"]["Enabled"]
    assert resources["TableToken"]["Properties"]["TimeToLiveSpecification"]["AttributeName"] == "ttl"


def test_the_api_function_is_sized_for_the_password_hash(resources):
    functions = of_type(resources, "AWS::Serverless::Function")
    assert set(functions) == set(template.functions().values())
    api = functions["APIHandler"]["Properties"]
    assert api["MemorySize"] >= 1024
    # below one vCPU (1769 MB), argon2 runs on one lane
    assert api["Environment"]["Variables"]["TRACES_PASSWORD_HASH_PROFILE"] == "rfc9106_low_memory_p1"
    for name in ("LockInactive", "AuthorityDigest"):
        assert functions[name]["Properties"]["Timeout"] >= 300


def test_each_function_logs_to_its_own_group_with_retention(resources):
    groups = {r["Properties"]["LogGroupName"]: r["Properties"]["RetentionInDays"]
              for r in of_type(resources, "AWS::Logs::LogGroup").values()}
    for function in of_type(resources, "AWS::Serverless::Function").values():
        assert groups[f"/aws/lambda/{function['Properties']['FunctionName']}"] == 90


def _role_policy(resources: dict, function: dict) -> list[dict]:
    role = resources[function["Properties"]["Role"]["Fn::GetAtt"][0]]
    (policy,) = role["Properties"]["Policies"]
    return policy["PolicyDocument"]["Statement"]


def _text(value) -> str:
    return json.dumps(value)


def test_one_role_per_function_with_only_what_its_code_calls(resources):
    functions = of_type(resources, "AWS::Serverless::Function")
    roles = {f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()}
    assert len(roles) == len(functions)
    tables = {f"Table{model.__name__}": model.Meta.table_name.removeprefix("traces-test-") for model in MODELS}
    by_logical = {logical: name for name, logical in template.functions().items()}
    for logical, function in functions.items():
        statements = _role_policy(resources, function)
        actions = {a for s in statements for a in s["Action"]}
        assert not {"dynamodb:Scan", "dynamodb:BatchWriteItem", "dynamodb:DeleteTable"} & actions
        touched = {table for s in statements for table in tables if table in _text(s["Resource"])}
        assert {tables[t] for t in touched} == set(template.ACCESS[by_logical[logical]])
        for statement in statements:
            resource = _text(statement["Resource"])
            # names, not wildcards: only the log streams of the function's own group are open
            assert "*" not in resource.replace(f"{function['Properties']['FunctionName']}:*", "")
            if "TableAuditRecord" in resource:    # the audit is append-only
                assert set(statement["Action"]) <= {"dynamodb:PutItem", "dynamodb:Query"}
        logs = next(s for s in statements if s["Sid"] == "Logs")
        assert f"/aws/lambda/{function['Properties']['FunctionName']}:*" in _text(logs["Resource"])


def test_every_table_and_function_has_its_grants():
    names = {model.Meta.table_name.removeprefix("traces-test-") for model in MODELS}
    granted = {table for access in template.ACCESS.values() for table in access}
    assert granted <= names
    assert names <= granted, "a new table: give its function(s) one line in deploy/template.py ACCESS"
    assert set(template.ACCESS) == set(template.functions())
    config = template.chalice_config()
    for stage in ("dev", "prod"):
        files = config["stages"][stage]["lambda_functions"]
        assert {f: files[f]["iam_policy_file"] for f in files} == {
            f: template.policy_file(stage, f).name for f in template.functions()}


def test_the_site_and_the_api_share_one_origin_reached_only_through_cloudfront(resources):
    distribution = resources["Site"]["Properties"]["DistributionConfig"]
    (api,) = distribution["CacheBehaviors"]
    assert api["PathPattern"] == "/api/*" and api["TargetOriginId"] == "api"
    origin = next(o for o in distribution["Origins"] if o["Id"] == "api")
    assert origin["OriginCustomHeaders"] == [{"HeaderName": "X-Origin-Verify",
                                              "HeaderValue": {"Ref": "OriginSecret"}}]
    variables = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["TRACES_ORIGIN_SECRET"] == {"Ref": "OriginSecret"}
    assert resources["RestAPI"]["Properties"]["EndpointConfiguration"] == "REGIONAL"


def test_both_behaviours_send_the_local_security_headers_and_hsts(resources):
    distribution = resources["Site"]["Properties"]["DistributionConfig"]
    behaviours = [distribution["DefaultCacheBehavior"], *distribution["CacheBehaviors"]]
    assert all(b["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeaders"} for b in behaviours)
    headers = resources["SecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert headers["ContentSecurityPolicy"]["ContentSecurityPolicy"] == SITE_HEADERS["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in SITE_HEADERS["Content-Security-Policy"]
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == SITE_HEADERS["Referrer-Policy"]
    assert headers["ContentTypeOptions"]["Override"] and headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000


def test_the_site_behaviour_maps_directories_and_unknown_paths(resources):
    distribution = resources["Site"]["Properties"]["DistributionConfig"]
    site = distribution["DefaultCacheBehavior"]
    assert {a["EventType"] for a in site["FunctionAssociations"]} == {"viewer-request", "viewer-response"}
    assert all(a["FunctionARN"]["Fn::GetAtt"][0] == "SiteRouter" for a in site["FunctionAssociations"])
    assert "FunctionAssociations" not in distribution["CacheBehaviors"][0]
    # custom error responses would also replace the API's JSON 403 and 404
    assert "CustomErrorResponses" not in distribution
    assert resources["SiteRouter"]["Properties"]["FunctionCode"] == template.router_code()


def test_logins_are_throttled_and_failed_jobs_are_kept_and_alarmed(resources):
    limits = {(m["ResourcePath"], m["HttpMethod"]): m["ThrottlingRateLimit"]
              for m in resources["RestAPI"]["Properties"]["MethodSettings"]}
    assert limits[("/*", "*")] and limits[("/~1api~1session", "POST")] <= 10
    routes = template._app().routes
    assert all(method in routes[path] for path, method in template.HASHING_ROUTES)
    failures = of_type(resources, "AWS::Lambda::EventInvokeConfig")
    asynchronous = {"LockInactive", "AuthorityDigest", "DeliverOutbox", "MailFeedback", "DeliverWebhooks"}
    assert {f["Properties"]["FunctionName"]["Ref"] for f in failures.values()} == asynchronous
    assert all(f["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
               == {"Fn::GetAtt": ["JobFailures", "Arn"]} for f in failures.values())
    alarmed = {_text(a["Properties"]["Dimensions"]) for a in of_type(resources, "AWS::CloudWatch::Alarm").values()}
    for name in ("APIHandler", *asynchronous):
        assert any(f'"Ref": "{name}"' in dimension for dimension in alarmed)
    for job in asynchronous:
        statements = _role_policy(resources, resources[job])
        assert any(s["Action"] == ["sqs:SendMessage"] for s in statements)


def test_webhooks_go_through_a_queue_with_dead_letters_and_each_function_its_own_rights(resources):
    queue = resources["WebhookQueue"]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["WebhookDeadLetters", "Arn"]}
    assert resources["WebhookDeadLetters"]["Type"] == "AWS::SQS::Queue"
    alarmed = {_text(a["Properties"]["Dimensions"]) for a in of_type(resources, "AWS::CloudWatch::Alarm").values()}
    assert any("WebhookDeadLetters" in dimension for dimension in alarmed)
    rights = {}
    for function in ("APIHandler", "DeliverWebhooks", "DeliverOutbox", "LockInactive"):
        rights[function] = {action for s in _role_policy(resources, resources[function])
                            if s["Resource"] == [{"Fn::GetAtt": ["WebhookQueue", "Arn"]}] for action in s["Action"]}
        variables = resources[function]["Properties"].get("Environment", {}).get("Variables", {})
        assert (variables.get("TRACES_WEBHOOK_QUEUE_URL") == {"Ref": "WebhookQueue"}) == bool(rights[function])
    assert rights == {"APIHandler": {"sqs:SendMessage"}, "DeliverOutbox": {"sqs:SendMessage"}, "LockInactive": set(),
                      "DeliverWebhooks": {"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"}}


def test_what_api_gateway_answers_itself_is_in_the_apis_error_format(resources):
    """An unknown path on AWS is API Gateway's 403 "Missing Authentication Token", before the
    function runs: the API's 404 instead, like every other error in the format of SPEC 5. The
    answers are part of the API's definition, so that a later change of it keeps them."""
    from jsonschema import Draft202012Validator

    from chalicelib.api.openapi import ERROR

    assert not of_type(resources, "AWS::ApiGateway::GatewayResponse")
    answers = resources["RestAPI"]["Properties"]["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    assert set(answers) == {"MISSING_AUTHENTICATION_TOKEN", "UNSUPPORTED_MEDIA_TYPE", "THROTTLED",
                            "DEFAULT_4XX", "DEFAULT_5XX"}
    assert answers["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == 404
    assert answers["THROTTLED"]["statusCode"] == 429
    for answer in answers.values():
        text = answer["responseTemplates"]["application/json"]
        assert "$" not in text and "#" not in text      # a template is read as VTL
        Draft202012Validator(ERROR).validate(json.loads(text))
    assert json.loads(answers["MISSING_AUTHENTICATION_TOKEN"]["responseTemplates"]["application/json"])[
        "error"]["code"] == "not_found"


def test_only_the_api_function_may_seal_with_the_kms_key(resources):
    """SPEC 3.2: an asymmetric key in KMS; its policy lets administrators manage it but not use
    it, the API function's role sign with it, and nobody else unless SealAdministrator names them
    (for the certificate request)."""
    key = resources["SealKey"]["Properties"]
    assert (key["KeySpec"], key["KeyUsage"]) == ("ECC_NIST_P256", "SIGN_VERIFY")
    assert resources["SealKey"]["DeletionPolicy"] == "Retain"
    statements = key["KeyPolicy"]["Statement"]
    signers = [s for s in statements if "Fn::If" not in s and any(a in ("kms:Sign", "kms:*", "kms:Sign*")
                                                                 for a in s["Action"])]
    assert [s["Principal"] for s in signers] == [{"AWS": {"Fn::GetAtt": ["ApiHandlerRole", "Arn"]}}]
    assert all(not a.startswith(("kms:S", "kms:*")) or a == "kms:ScheduleKeyDeletion"
               for s in statements if "Fn::If" not in s and s not in signers for a in s["Action"])
    condition, granted, otherwise = next(s["Fn::If"] for s in statements if "Fn::If" in s)
    assert condition == "SealCertificateRequest" and granted["Principal"] == {"AWS": {"Ref": "SealAdministrator"}}
    assert otherwise == {"Ref": "AWS::NoValue"}
    assert resources["SealKeyAlias"]["Properties"] == {"AliasName": "alias/traces-prod-seal",
                                                       "TargetKeyId": {"Ref": "SealKey"}}
    functions = of_type(resources, "AWS::Serverless::Function")
    for logical, function in functions.items():
        actions = {a for s in _role_policy(resources, function) for a in s["Action"]}
        assert not any(a.startswith(("kms:S", "kms:*")) for a in actions)
        assert ("ssm:GetParameter" in actions) == (logical == "APIHandler")


def test_the_template_passes_the_deployment_checks(sam):
    assert template.deployment_problems(sam) == []
    assert len(json.dumps(sam)) > template.TEMPLATE_BODY_LIMIT    # hence `make deploy` goes through S3


def test_alarms_reach_someone_through_a_key_cloudwatch_may_use(sam, resources):
    topic = resources["Alerts"]["Properties"]
    key = resources[topic["KmsMasterKeyId"]["Ref"]]["Properties"]
    assert key["EnableKeyRotation"]
    (publishers,) = [s for s in key["KeyPolicy"]["Statement"] if "Service" in s["Principal"]]
    assert "cloudwatch.amazonaws.com" in publishers["Principal"]["Service"]
    managed = json.loads(json.dumps(sam))
    managed["Resources"]["Alerts"]["Properties"]["KmsMasterKeyId"] = "alias/aws/sns"
    assert template.deployment_problems(managed) == [
        "Alerts: its encryption key does not let cloudwatch.amazonaws.com, ses.amazonaws.com publish"]


def test_the_api_function_stops_before_the_gateway_and_there_is_one_stage(sam, resources):
    assert resources["APIHandler"]["Properties"]["Timeout"] < template.GATEWAY_TIMEOUT
    assert resources["RestAPI"]["Properties"]["OpenApiVersion"]
    assert resources["RestAPI"]["Properties"]["StageName"] == "api"
    for change in ({"Timeout": 30}, {"Runtime": "python3.11"}):
        changed = json.loads(json.dumps(sam))
        changed["Resources"]["APIHandler"]["Properties"].update(change)
        assert len(template.deployment_problems(changed)) == 1
    changed = json.loads(json.dumps(sam))
    del changed["Resources"]["RestAPI"]["Properties"]["OpenApiVersion"]
    assert template.deployment_problems(changed) == [
        "without OpenApiVersion SAM adds a stray, unthrottled 'Stage' stage"]


def test_the_api_gets_cloudfronts_own_viewer_address_and_the_headers_it_reads(resources):
    """The public verification's limit is keyed on CloudFront-Viewer-Address behind the
    distribution: CloudFront must set it (a managed "all viewer headers" policy passes on the
    client's own); Host stays API Gateway's."""
    (api,) = resources["Site"]["Properties"]["DistributionConfig"]["CacheBehaviors"]
    policy = resources[api["OriginRequestPolicyId"]["Ref"]]["Properties"]["OriginRequestPolicyConfig"]
    headers = {h.lower() for h in policy["HeadersConfig"]["Headers"]}
    assert policy["HeadersConfig"]["HeaderBehavior"] == "whitelist" and "host" not in headers
    assert "authorization" not in headers           # CloudFront refuses it in an origin request policy
    cache = resources[api["CachePolicyId"]["Ref"]]["Properties"]["CachePolicyConfig"]
    assert cache["DefaultTTL"] == cache["MinTTL"] == 0
    headers |= {h.lower() for h in cache["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["Headers"]}
    assert policy["CookiesConfig"]["CookieBehavior"] == "all"
    code = "".join(path.read_text() for path in Path(template.ROOT, "chalicelib").rglob("*.py"))
    read = set(re.findall(r'headers\.get\("([a-z-]+)"', code)) | {origin.VIEWER_ADDRESS}
    assert read - {origin.HEADER, "cookie"} <= headers


def test_bounces_and_complaints_reach_the_function_that_acts_on_them(sam, resources):
    """Every e-mail goes out with a configuration set that suppresses bounced and complaining
    addresses and publishes both to a topic the mail_feedback function is subscribed to; the
    outputs give the DKIM and MAIL FROM records."""
    identity = resources["MailIdentity"]["Properties"]
    assert identity["ConfigurationSetAttributes"]["ConfigurationSetName"] == {"Ref": "MailConfiguration"}
    assert identity["MailFromAttributes"]["MailFromDomain"] == {"Fn::Join": [".", ["mail", identity["EmailIdentity"]]]}
    assert identity["EmailIdentity"] == {"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "MailSender"}]}]}
    options = resources["MailConfiguration"]["Properties"]["SuppressionOptions"]
    assert set(options["SuppressedReasons"]) == {"BOUNCE", "COMPLAINT"}
    (destination,) = of_type(resources, "AWS::SES::ConfigurationSetEventDestination").values()
    event = destination["Properties"]["EventDestination"]
    assert set(event["MatchingEventTypes"]) == {"bounce", "complaint"} and event["Enabled"]
    topic = event["SnsDestination"]["TopicARN"]["Ref"]
    assert template.deployment_problems(sam) == []      # SES may use the topic's key
    (subscription,) = [r["Properties"] for r in of_type(resources, "AWS::SNS::Subscription").values()
                       if r["Properties"]["Protocol"] == "lambda"]
    assert subscription["TopicArn"] == {"Ref": topic}
    assert subscription["Endpoint"] == {"Fn::GetAtt": ["MailFeedback", "Arn"]}
    assert resources["MailFeedbackInvoke"]["Properties"]["SourceArn"] == {"Ref": topic}
    for logical in template.functions().values():
        variables = resources[logical]["Properties"]["Environment"]["Variables"]
        assert variables["TRACES_MAIL_CONFIGURATION_SET"] == {"Ref": "MailConfiguration"}
    outputs = sam["Outputs"]
    assert {f"DkimRecord{n}" for n in (1, 2, 3)} | {"MailFromRecords"} <= set(outputs)
    statements = _role_policy(resources, resources["MailFeedback"])
    assert not [s for s in statements if s["Sid"] == "Mail"]


def test_the_site_domain_and_certificate_are_parameters_that_links_and_qr_codes_use(sam, resources):
    """The operator's domain, its ACM certificate (us-east-1) and the sender are parameters; the
    distribution answers on the domain with TLS 1.2 at least; the functions build e-mail links and
    the COI's QR code from TRACES_SITE_URL, which is the domain."""
    parameters = sam["Parameters"]
    assert {"SiteDomain", "CertificateArn", "MailSender"} <= set(parameters)
    assert "us-east-1" in parameters["CertificateArn"]["AllowedPattern"]
    distribution = resources["Site"]["Properties"]["DistributionConfig"]
    assert distribution["Aliases"] == [{"Ref": "SiteDomain"}]
    certificate = distribution["ViewerCertificate"]
    assert certificate["AcmCertificateArn"] == {"Ref": "CertificateArn"}
    assert certificate["MinimumProtocolVersion"] == "TLSv1.2_2021" and certificate["SslSupportMethod"] == "sni-only"
    for logical in template.functions().values():
        variables = resources[logical]["Properties"]["Environment"]["Variables"]
        assert variables["TRACES_SITE_URL"] == {"Fn::Sub": "https://${SiteDomain}"}
        assert variables["TRACES_MAIL_SENDER"] == {"Ref": "MailSender"}
    assert "example" not in json.dumps(resources)      # no placeholder domain left
    assert "${SiteDomain}" in json.dumps(sam["Outputs"]["SiteRecord"])


def test_the_api_writes_an_access_log(resources):
    api = resources["RestAPI"]["Properties"]
    log = api["AccessLogSetting"]
    assert log["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}
    assert {"$context.requestId", "$context.status", "$context.identity.sourceIp"} <= set(
        json.loads(log["Format"]).values())
    assert resources["ApiAccessLogs"]["Properties"]["RetentionInDays"] == 90
    assert resources["ApiGatewayLogging"]["Type"] == "AWS::ApiGateway::Account"


def test_each_client_is_limited_by_a_web_acl_of_the_edge_stack(sam, resources, tmp_path):
    """A per-client limit on the distribution: WAF's CLOUDFRONT scope exists only in us-east-1,
    so a small edge stack there holds it and the main stack takes its ARN as a parameter."""
    distribution = resources["Site"]["Properties"]["DistributionConfig"]
    assert distribution["WebACLId"] == {"Ref": "WebAclArn"}
    assert "us-east-1" in sam["Parameters"]["WebAclArn"]["AllowedPattern"]
    edge = template.edge(STAGE)
    acl = edge["Resources"]["ClientLimits"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT" and acl["DefaultAction"] == {"Allow": {}}
    by_name = {rule["Name"]: rule for rule in acl["Rules"]}
    hashing = by_name["per-client-hashing"]["Statement"]["RateBasedStatement"]
    assert hashing["AggregateKeyType"] == "IP" and hashing["Limit"] <= 100
    scope = hashing["ScopeDownStatement"]["OrStatement"]["Statements"]
    paths = {s["ByteMatchStatement"]["SearchString"] for s in scope}
    assert paths == {path for path, _method in template.HASHING_ROUTES}
    assert edge["Outputs"]["WebAclArn"]["Value"] == {"Fn::GetAtt": ["ClientLimits", "Arn"]}
    path = tmp_path / "edge.json"
    path.write_text(json.dumps(edge))
    assert package.lint(path) == ""
    without = json.loads(json.dumps(sam))
    del without["Resources"]["Site"]["Properties"]["DistributionConfig"]["WebACLId"]
    assert template.deployment_problems(without) == ["no per-client limit: the distribution has no web ACL"]
