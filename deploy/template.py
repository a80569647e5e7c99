"""What `chalice package` does not declare, generated from the code so that it cannot drift:
the DynamoDB tables (keys, indexes and TTL read from the pynamodb models), the site's S3 bucket
and the CloudFront distribution that serves site and API on one origin, the SES identity, and
the least-privilege IAM policy of the Lambda functions.

    python -m deploy.template resources STAGE > build/resources.json   # chalice --merge-template
    python -m deploy.template policy STAGE > .chalice/policy-STAGE.json
"""
import json
import os
import sys
from pathlib import Path

from pynamodb.attributes import TTLAttribute

ROOT = Path(__file__).resolve().parents[1]
# CloudFront managed policies: no caching for the API, every viewer header but Host forwarded.
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
DYNAMODB_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchGetItem",
                    "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"]


def stage_environment(stage: str) -> dict:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {**config.get("environment_variables", {}),
            **config["stages"][stage].get("environment_variables", {})}


def _models(stage: str):
    os.environ.update(stage_environment(stage))
    from chalicelib.store.tables import MODELS

    return MODELS


def _logical_id(model) -> str:
    return "Table" + model.__name__


def _keys(key_schema: list) -> list:
    # CloudFormation wants the hash key first.
    return sorted(({"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in key_schema),
                  key=lambda k: k["KeyType"])


def table(model) -> dict:
    schema = model._get_schema()
    properties = {
        "TableName": model.Meta.table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": schema["attribute_definitions"],
        "KeySchema": _keys(schema["key_schema"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
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


def resources(stage: str) -> dict:
    env = stage_environment(stage)
    sender_domain = env["TRACES_MAIL_SENDER"].rpartition("@")[2]
    found = {_logical_id(model): table(model) for model in _models(stage)}
    found["SiteBucket"] = {"Type": "AWS::S3::Bucket", "Properties": {
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                           "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}}
    found["SiteOriginAccess"] = {"Type": "AWS::CloudFront::OriginAccessControl", "Properties": {
        "OriginAccessControlConfig": {"Name": {"Fn::Sub": "traces-" + stage + "-site"},
                                      "OriginAccessControlOriginType": "s3",
                                      "SigningBehavior": "always", "SigningProtocol": "sigv4"}}}
    found["Site"] = {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
        "Enabled": True, "DefaultRootObject": "index.html", "HttpVersion": "http2and3",
        "Origins": [
            {"Id": "site", "DomainName": {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]},
             "S3OriginConfig": {"OriginAccessIdentity": ""},
             "OriginAccessControlId": {"Fn::GetAtt": ["SiteOriginAccess", "Id"]}},
            # Routes are /api/..., the API Gateway stage is "api": CloudFront adds the stage.
            {"Id": "api", "DomainName": {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.amazonaws.com"},
             "OriginPath": "/api", "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"}}],
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": CACHING_OPTIMIZED, "Compress": True},
        "CacheBehaviors": [{"PathPattern": "/api/*", "TargetOriginId": "api",
                            "ViewerProtocolPolicy": "https-only",
                            "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
                            "CachePolicyId": CACHING_DISABLED,
                            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST}]}}}
    found["SiteBucketPolicy"] = {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": "SiteBucket"},
        "PolicyDocument": {"Statement": [{
            "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${SiteBucket.Arn}/*"},
            "Condition": {"StringEquals": {"AWS:SourceArn": {
                "Fn::Sub": "arn:aws:cloudfront::${AWS::AccountId}:distribution/${Site}"}}}}]}}}
    found["MailIdentity"] = {"Type": "AWS::SES::EmailIdentity",
                             "Properties": {"EmailIdentity": sender_domain}}
    return {"Resources": found, "Outputs": {
        "SiteURL": {"Value": {"Fn::Sub": "https://${Site.DomainName}"}},
        "SiteBucketName": {"Value": {"Ref": "SiteBucket"}}}}


def policy(stage: str) -> dict:
    """What the Lambda functions may do: the product's tables and their indexes, and sending
    e-mail from the configured sender; nothing else (no Scan, no table administration)."""
    env = stage_environment(stage)
    region_account = "arn:aws:dynamodb:*:*:table/"
    tables = [f"{region_account}{model.Meta.table_name}" for model in _models(stage)]
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": DYNAMODB_ACTIONS,
         "Resource": tables + [f"{arn}/index/*" for arn in tables]},
        {"Effect": "Allow", "Action": ["ses:SendRawEmail"], "Resource": "*",
         "Condition": {"StringEquals": {"ses:FromAddress": env["TRACES_MAIL_SENDER"]}}},
        {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": "arn:aws:logs:*:*:*"}]}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("resources", "policy"):
        print(__doc__, file=sys.stderr)
        return 2
    document = resources(argv[1]) if argv[0] == "resources" else policy(argv[1])
    json.dump(document, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
