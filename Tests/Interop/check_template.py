"""Checks server/template.yaml for what the deployment promises, beyond what cfn-lint validates.

Usage: check_template.py TEMPLATE   (run with .venv-moto/bin/python, which has cfn-lint's YAML loader and the SAM
translator)
Prints one line per failed check and exits 1 if any failed.

The template is first run through the SAM transform, as CloudFormation does on deploy (cfn-lint validates the SAM
resources against schemas but no longer transforms them), then evaluated under several sets of parameter values:
conditions decide which resources exist and Fn::If picks its branch, so each promise is checked on the resources a
stack with those parameters would really have. The front-door checks (one public way in; with a WAF, the protected
one) are proved that way for every combination of WAF, custom domain and mutual TLS.
"""

import copy
import itertools
import os
import re
import sys

from cfnlint.decode import decode

template, matches = decode(sys.argv[1])
if matches:
    sys.exit(f"cannot parse the template: {matches}")
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


# --- The SAM transform (what CloudFormation runs before creating anything) ---

try:
    from samtranslator.translator.transform import transform
except ImportError:
    sys.exit("the SAM translator is missing: scripts/setup-python.sh installs aws-sam-translator in .venv-moto")


class NoManagedPolicies:
    """The template names no managed policies; the translator must not look any up."""

    def load(self):
        return {}


os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
to_transform = copy.deepcopy(template)
# Before packaging CodeUri is a local path, which the transform refuses; `aws cloudformation package` uploads it.
to_transform["Resources"]["Function"]["Properties"]["CodeUri"] = "s3://artifacts/mcp-server.zip"
try:
    transformed = transform(to_transform, {}, NoManagedPolicies())
except Exception as error:  # the translator raises its own exception types, with the reasons in the message
    sys.exit(f"the SAM transform fails: {error}")

parameters = template["Parameters"]

# --- Evaluating the template under given parameter values ---

NO_VALUE = object()


class Stack:
    """The resources, properties and outputs a stack created from the template with `values` would have."""

    def __init__(self, values):
        unknown = set(values) - set(parameters)
        if unknown:
            sys.exit(f"check_template.py names parameters the template lacks: {sorted(unknown)}")
        self.values = {name: str(p.get("Default", "")) for name, p in parameters.items()}
        self.values.update(values)
        for name, value in values.items():  # as CloudFormation would refuse them
            allowed = parameters[name].get("AllowedValues")
            pattern = parameters[name].get("AllowedPattern")
            check(allowed is None or value in map(str, allowed), f"{name}={value} is one of {allowed}")
            check(pattern is None or re.fullmatch(pattern, value), f"{name}={value} matches {pattern}")
        self.conditions = {}
        for name in transformed.get("Conditions", {}):
            self.condition(name)
        self.resources = {
            name: self.resolve(r)
            for name, r in transformed["Resources"].items()
            if "Condition" not in r or self.conditions[r["Condition"]]
        }
        self.outputs = {
            name: self.resolve(o["Value"])
            for name, o in transformed.get("Outputs", {}).items()
            if "Condition" not in o or self.conditions[o["Condition"]]
        }

    def condition(self, name):
        if name not in self.conditions:
            self.conditions[name] = self.truth(transformed["Conditions"][name])
        return self.conditions[name]

    def truth(self, node):
        (function, argument), = node.items()
        if function == "Condition":
            return self.condition(argument)
        if function == "Fn::Equals":
            return self.scalar(argument[0]) == self.scalar(argument[1])
        if function == "Fn::Not":
            return not self.truth(argument[0])
        if function == "Fn::And":
            return all(self.truth(a) for a in argument)
        if function == "Fn::Or":
            return any(self.truth(a) for a in argument)
        raise ValueError(f"unsupported condition {node}")

    def scalar(self, node):
        if isinstance(node, dict) and set(node) == {"Ref"}:
            return self.values[node["Ref"]]
        return str(node)

    def resolve(self, node):
        """Picks Fn::If branches, drops AWS::NoValue, and fills parameter references into Ref and Fn::Sub."""
        if isinstance(node, list):
            items = [self.resolve(item) for item in node]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if set(node) == {"Fn::If"}:
            name, then, otherwise = node["Fn::If"]
            return self.resolve(then if self.condition(name) else otherwise)
        if node == {"Ref": "AWS::NoValue"}:
            return NO_VALUE
        if set(node) == {"Ref"} and node["Ref"] in self.values:
            return self.values[node["Ref"]]
        if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
            text = node["Fn::Sub"]
            for name, value in self.values.items():
                text = text.replace("${" + name + "}", value)
            return {"Fn::Sub": text}
        items = {key: self.resolve(value) for key, value in node.items()}
        return {key: value for key, value in items.items() if value is not NO_VALUE}

    def of_type(self, *kinds):
        return {name: r for name, r in self.resources.items() if r["Type"] in kinds}

    def env(self):
        return self.resources["Function"]["Properties"]["Environment"]["Variables"]


def refers_to(node, resource):
    """Whether `node` (a resolved property) references `resource` by Ref, Fn::GetAtt or Fn::Sub."""
    if isinstance(node, dict):
        if node.get("Ref") == resource:
            return True
        attribute = node.get("Fn::GetAtt")
        if attribute is not None:
            name = attribute[0] if isinstance(attribute, list) else attribute.split(".")[0]
            return name == resource
        sub = node.get("Fn::Sub")
        if isinstance(sub, str):
            return "${" + resource + "}" in sub or "${" + resource + "." in sub
        return any(refers_to(value, resource) for value in node.values())
    if isinstance(node, list):
        return any(refers_to(item, resource) for item in node)
    return False


WAF_ARN = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/mcp/0b1c2d3e"
DOMAIN = {
    "DomainName": "mcp.example.com",
    "CertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
    "HostedZoneId": "Z0123456789",
}
MTLS = {"MutualTlsTruststoreUri": "s3://truststores/clients.pem"}
OIDC_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mcp-oidc-AbCdEf"
EXTERNAL_OIDC = {
    "OidcIssuer": "https://example.okta.com", "OidcClientId": "0oa1b2c3", "OidcClientSecretArn": OIDC_SECRET_ARN,
    "OidcAllowedDomains": "example.com", "OidcAdminEmails": "ops@example.com",
}
API_TYPES = ("AWS::ApiGatewayV2::Api", "AWS::ApiGateway::RestApi", "AWS::Serverless::HttpApi", "AWS::Serverless::Api")

# --- The stack with default parameters ---

stack = Stack({})
resources = stack.resources
function = resources["Function"]["Properties"]
check(function["Runtime"] == "provided.al2023", "runtime provided.al2023")
check(function["Handler"] == "bootstrap", "handler bootstrap")
check(parameters["Architecture"]["Default"] == "arm64", "arm64 by default")
check(set(parameters["Architecture"]["AllowedValues"]) == {"arm64", "x86_64"}, "x86_64 as a parameter")
env = stack.env()
check(env.get("MCP_SERVER_STORE") == "dynamodb", "DynamoDB store")
check("MCP_SERVER_SIGNING_KEY_SECRET" in env, "signing key from Secrets Manager")

routes = {r["Properties"]["RouteKey"] for r in stack.of_type("AWS::ApiGatewayV2::Route").values()}
wanted = {f"ANY {path}" for path in
          ["/mcp", "/dcr", "/register", "/token", "/revoke", "/clients/{clientId}", "/jwks.json",
           "/.well-known/{proxy+}"]}
# Sign-in: the authorization endpoint and the upstream provider's return are browser navigations (GET); the sign-in
# and consent pages post forms.
wanted |= {"GET /authorize", "POST /authorize/sign-in", "POST /authorize/consent", "GET /oidc/callback"}
check(routes == wanted, f"HTTP API routes {sorted(routes)} == {sorted(wanted)}")

table = next(iter(stack.of_type("AWS::DynamoDB::Table").values()))["Properties"]
check(table["BillingMode"] == "PAY_PER_REQUEST", "on-demand table")
check(table["SSESpecification"]["SSEEnabled"] is True, "encrypted table")
check(table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, "point-in-time recovery")
check(table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}, "TTL on expires_at")
check({k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == {"pk": "HASH", "sk": "RANGE"}, "pk/sk keys")

groups = stack.of_type("AWS::Logs::LogGroup")
check(groups and all("RetentionInDays" in g["Properties"] for g in groups.values()), "log groups with retention")
check("LogGroup" in function.get("LoggingConfig", {}), "the function logs to the retained group")

stage = next(iter(stack.of_type("AWS::ApiGatewayV2::Stage").values()))["Properties"]
check("ThrottlingRateLimit" in stage.get("DefaultRouteSettings", {}), "API throttling")
check("AccessLogSettings" in stage, "API access logs")
check(stack.values["AccessLog"] == "errors" and env.get("MCP_SERVER_ACCESS_LOG") == "errors",
      "the access log keeps errors by default (MCP_SERVER_ACCESS_LOG=errors)")

# --- Safer defaults: registration needs a token, generated into Secrets Manager and never in the environment ---

check(parameters["RegistrationPolicy"]["Default"] == "token", "RegistrationPolicy defaults to token")
check(parameters["SignInRegistrationPolicy"]["Default"] == "open", "SignInRegistrationPolicy defaults to open")
check("RegistrationToken" not in parameters, "no parameter carries the registration token itself")
secrets = stack.of_type("AWS::SecretsManager::Secret")
check(set(secrets) == {"SigningKeySecret", "RegistrationTokenSecret"},
      f"signing-key and token secrets: {sorted(secrets)}")
token_secret = secrets.get("RegistrationTokenSecret", {}).get("Properties", {})
check("GenerateSecretString" in token_secret and "SecretString" not in token_secret,
      "the registration token is generated by Secrets Manager")
check(token_secret.get("GenerateSecretString", {}).get("PasswordLength", 0) >= 32, "a long registration token")
check(env.get("MCP_SERVER_REGISTRATION") == "token", "the function is told the policy")
check(env.get("MCP_SERVER_REGISTRATION_TOKEN_SECRET") == {"Ref": "RegistrationTokenSecret"},
      "the function gets the token secret's ARN")
command = stack.outputs.get("RegistrationTokenCommand", {}).get("Fn::Sub", "")
check("aws secretsmanager get-secret-value" in command and "${RegistrationTokenSecret}" in command
      and "--query SecretString --output text" in command, "an output says how to read the token")

# --- Every stack: least privilege, no secret in the environment, one public front door ---

SCENARIOS = {
    "defaults": {},
    "open registration": {"RegistrationPolicy": "open"},
    "closed registration": {"RegistrationPolicy": "closed"},
    "sign-in registration by token only": {"RegistrationPolicy": "closed", "SignInRegistrationPolicy": "token"},
    "allow-listed IPs, no WAF": {"AllowedIpCidrs": "203.0.113.0/24", "AllowedIpv6Cidrs": "2001:db8::/48"},
    "CloudTrail": {"CreateTrail": "true"},
    "Cognito user pool": {"CreateCognitoUserPool": "true"},
    "Cognito user pool, WAF": {"CreateCognitoUserPool": "true", "WebAclArn": "create"},
    "Cognito user pool, domain": {"CreateCognitoUserPool": "true", **DOMAIN},
    "external OIDC provider": EXTERNAL_OIDC,
    "external OIDC provider, public client, WAF": {
        "OidcIssuer": "https://id.example.com", "OidcClientId": "mcp", "WebAclArn": WAF_ARN,
    },
}
for waf, domain, mtls in itertools.product(["", WAF_ARN, "create"], [False, True], [False, True]):
    if mtls and not domain:
        continue  # the rule MutualTlsNeedsDomain refuses it
    values = {"WebAclArn": waf, **(DOMAIN if domain else {}), **(MTLS if mtls else {})}
    SCENARIOS[f"WebAclArn={waf or 'none'} domain={domain} mTLS={mtls}"] = values

ALLOWED_ACTIONS = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                   "dynamodb:Query", "secretsmanager:GetSecretValue"}

for label, values in SCENARIOS.items():
    s = Stack(values)
    env = s.env()

    # No secret travels in the function's configuration.
    inline = {"MCP_SERVER_REGISTRATION_TOKEN", "MCP_SERVER_SIGNING_KEY", "MCP_SERVER_HS256_SECRET",
              "MCP_SERVER_OIDC_CLIENT_SECRET"} & set(env)
    check(not inline, f"{label}: no secret value in the environment: {sorted(inline)}")
    secret_parameters = {name for name, p in parameters.items() if p.get("NoEcho")}
    check(not any(refers_to(s.env(), name) for name in secret_parameters) and not any(
        value in s.env().values() for name, value in s.values.items() if name in secret_parameters),
        f"{label}: no NoEcho parameter reaches the environment")
    token_policy = "token" in (s.values["RegistrationPolicy"], s.values["SignInRegistrationPolicy"])
    check(("RegistrationTokenSecret" in s.resources) == token_policy, f"{label}: the token secret exactly with token")

    # Least privilege: named actions only, each secret read only by its own statement.
    role = s.of_type("AWS::IAM::Role")["FunctionRole"]["Properties"]
    readable = set()
    for policy in role.get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            sid = statement.get("Sid")
            check(all("*" not in a for a in actions), f"{label}: no wildcard actions in {sid}")
            check(statement["Resource"] != "*", f"{label}: no wildcard resource in {sid}")
            check(set(actions) <= ALLOWED_ACTIONS, f"{label}: only the operations the store uses: {actions}")
            if "secretsmanager:GetSecretValue" in actions:
                resource = statement["Resource"]
                # One secret: the stack's own (a Ref), or the OIDC client secret the parameter names (its ARN).
                check((isinstance(resource, dict) and "Ref" in resource) or resource == OIDC_SECRET_ARN,
                      f"{label}: {sid} names one secret")
                readable.add(resource.get("Ref") if isinstance(resource, dict) else resource)
    expected_secrets = set(s.of_type("AWS::SecretsManager::Secret"))
    if s.values["OidcClientSecretArn"] and s.values["OidcIssuer"]:
        expected_secrets.add(s.values["OidcClientSecretArn"])
    check(readable == expected_secrets,
          f"{label}: the function reads exactly the stack's secrets and the OIDC client secret: {sorted(readable)}")

    # One public front door. A "door" is a way in from the Internet: an API's execute-api endpoint (unless
    # disabled) or a custom domain mapped to it. All doors must lead to one API, and with a WAF that API is the
    # one the web ACL is attached to.
    apis = s.of_type(*API_TYPES)
    check(len(apis) == 1, f"{label}: exactly one API exists: {sorted(apis)}")
    doors = []
    for name, api in apis.items():
        if api["Properties"].get("DisableExecuteApiEndpoint") is not True:
            doors.append(("execute-api", name))
    for mapping in s.of_type("AWS::ApiGatewayV2::ApiMapping", "AWS::ApiGateway::BasePathMapping").values():
        properties = mapping["Properties"]
        target = next((api for api in apis if refers_to(properties.get("ApiId", properties.get("RestApiId")), api)),
                      None)
        check(target is not None, f"{label}: a domain mapping leads to an API that exists")
        doors.append(("domain", target))
    check(doors, f"{label}: the API can be reached")
    check(len({api for _, api in doors}) == 1, f"{label}: every door leads to the same API: {doors}")
    front = next(iter(apis), None)
    for name, permission in s.of_type("AWS::Lambda::Permission").items():
        check(refers_to(permission["Properties"].get("SourceArn"), front),
              f"{label}: {name} lets only the front door invoke the function")
    check(refers_to(s.outputs.get("McpUrl"), front) or "DomainName" in values,
          f"{label}: McpUrl is the front door's URL")
    check(not s.of_type("AWS::Serverless::HttpApi", "AWS::Serverless::Api"),
          f"{label}: no API from SAM events (they would exist whatever the conditions)")

    associations = s.of_type("AWS::WAFv2::WebACLAssociation")
    if values.get("WebAclArn"):
        check(s.resources.get(front, {}).get("Type") == "AWS::ApiGateway::RestApi",
              f"{label}: with a WAF the front door is the REST API")
        check(not s.of_type("AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Integration"),
              f"{label}: with a WAF no HTTP API exists")
        check(len(associations) == 1 and all(refers_to(a["Properties"]["ResourceArn"], front)
                                              for a in associations.values()),
              f"{label}: the web ACL is attached to the front door's stage")
        acl = next(iter(associations.values()))["Properties"]["WebACLArn"] if associations else None
        if values["WebAclArn"] == "create":
            check(refers_to(acl, "WebAcl") and "WebAcl" in s.resources, f"{label}: the stack's own web ACL is used")
        else:
            check(acl == values["WebAclArn"], f"{label}: the given web ACL is used")
        check(s.outputs.get("WebAclArn") is not None, f"{label}: the web ACL is in the outputs")
    else:
        check(not associations and "WebAcl" not in s.resources, f"{label}: no WAF unless asked")
        check(s.resources.get(front, {}).get("Type") == "AWS::ApiGatewayV2::Api",
              f"{label}: without a WAF the front door is the HTTP API")

    domains = s.of_type("AWS::ApiGatewayV2::DomainName", "AWS::ApiGateway::DomainName")
    check(len(domains) == (1 if "DomainName" in values else 0), f"{label}: a custom domain exactly when asked")
    if "DomainName" in values:
        check(s.outputs.get("McpUrl") == {"Fn::Sub": "https://mcp.example.com/mcp"}, f"{label}: McpUrl on the domain")
        record = s.of_type("AWS::Route53::RecordSet")
        check(len(record) == 1 and all(refers_to(r["Properties"], next(iter(domains))) for r in record.values()),
              f"{label}: the DNS record points at the front door's domain")
    for domain in domains.values():
        truststore = domain["Properties"].get("MutualTlsAuthentication", {}).get("TruststoreUri")
        check(truststore == values.get("MutualTlsTruststoreUri"), f"{label}: mutual TLS exactly when asked")
    if "MutualTlsTruststoreUri" in values:
        check(doors == [("domain", front)], f"{label}: with mutual TLS the custom domain is the only door: {doors}")

    alarms = {(a["Properties"]["Namespace"], a["Properties"]["MetricName"]): a["Properties"]
              for a in s.of_type("AWS::CloudWatch::Alarm").values()}
    for metric in [("AWS/Lambda", "Errors"), ("AWS/Lambda", "Duration"), ("AWS/Lambda", "Throttles")]:
        check(metric in alarms, f"{label}: alarm on {metric}")
    check(any(a.get("ExtendedStatistic") == "p99" for a in alarms.values()), f"{label}: p99 duration alarm")
    api_alarms = [a for (namespace, _), a in alarms.items() if namespace == "AWS/ApiGateway"]
    check(len(api_alarms) == 1 and (refers_to(api_alarms[0]["Dimensions"], front)
                                    or refers_to(api_alarms[0]["Dimensions"], "RestStage")),
          f"{label}: a 5xx alarm on the front door")

    # IP allow-list: always the function's own check; with the stack's web ACL, WAF's too.
    v4, v6 = s.values["AllowedIpCidrs"], s.values["AllowedIpv6Cidrs"]
    allowed = ",".join(c for c in [v4, v6] if c)
    resolved = env.get("MCP_SERVER_ALLOW_IPS")
    resolved = resolved.get("Fn::Sub") if isinstance(resolved, dict) else resolved
    check(resolved == (allowed or None), f"{label}: MCP_SERVER_ALLOW_IPS is {resolved!r}, want {allowed!r}")

    trail = s.of_type("AWS::CloudTrail::Trail")
    check(len(trail) == (1 if s.values["CreateTrail"] == "true" else 0), f"{label}: a trail exactly when asked")

    # Signing people in: the stack's Cognito pool, an external provider, or neither (passwords).
    cognito = s.values["CreateCognitoUserPool"] == "true"
    external = bool(s.values["OidcIssuer"])
    pools = s.of_type("AWS::Cognito::UserPool", "AWS::Cognito::UserPoolDomain", "AWS::Cognito::UserPoolClient")
    check(len(pools) == (3 if cognito else 0), f"{label}: a user pool, its domain and client exactly when asked")
    oidc_env = {name for name in env if name.startswith("MCP_SERVER_OIDC_")}
    if not (cognito or external):
        check(not oidc_env, f"{label}: no upstream provider unless asked: {sorted(oidc_env)}")
        check("OidcCallbackUrl" not in s.outputs, f"{label}: no callback URL output without a provider")
        continue
    base = s.outputs["ApiBaseUrl"]
    base = base.get("Fn::Sub", "") if isinstance(base, dict) else base
    if "RestStage" in s.resources:
        base = base.replace("${RestStage}", s.resources["RestStage"]["Properties"]["StageName"])
    callback = s.outputs.get("OidcCallbackUrl", {}).get("Fn::Sub")
    check(callback == base + "/oidc/callback", f"{label}: OidcCallbackUrl {callback!r} is {base!r} + /oidc/callback")
    if external:
        check(env.get("MCP_SERVER_OIDC_ISSUER") == s.values["OidcIssuer"], f"{label}: the issuer is the parameter")
        check(env.get("MCP_SERVER_OIDC_CLIENT_ID") == s.values["OidcClientId"], f"{label}: the client id too")
        check(env.get("MCP_SERVER_OIDC_CLIENT_SECRET_ARN") == (s.values["OidcClientSecretArn"] or None),
              f"{label}: the function gets the client secret's ARN exactly when one is given")
    if cognito:
        pool = s.resources["UserPool"]
        properties = pool["Properties"]
        check(pool.get("DeletionPolicy") == "Retain", f"{label}: the user pool outlives the stack")
        check(properties["UsernameAttributes"] == ["email"], f"{label}: people sign in with their email")
        check(properties["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True,
              f"{label}: no self sign-up by default")
        password = properties["Policies"]["PasswordPolicy"]
        check(password["MinimumLength"] >= 12 and all(password[k] for k in
              ["RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"]),
              f"{label}: a strong password policy")
        check(properties["MfaConfiguration"] == "OPTIONAL" and properties["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"],
              f"{label}: optional TOTP MFA by default")
        client = s.resources["UserPoolClient"]["Properties"]
        check(client["GenerateSecret"] is False, f"{label}: a public app client (no secret to leak)")
        check(client["AllowedOAuthFlows"] == ["code"] and client["AllowedOAuthFlowsUserPoolClient"] is True,
              f"{label}: the app client uses the authorization code flow")
        check({"openid", "email"} <= set(client["AllowedOAuthScopes"]), f"{label}: openid and email scopes")
        callbacks = [c.get("Fn::Sub") if isinstance(c, dict) else c for c in client["CallbackURLs"]]
        check(callbacks == [callback], f"{label}: the app client's callback is the server's: {callbacks}")
        issuer = env.get("MCP_SERVER_OIDC_ISSUER", {}).get("Fn::Sub", "")
        check(issuer.startswith("https://cognito-idp.${AWS::Region}.") and issuer.endswith("/${UserPool}"),
              f"{label}: the issuer is the pool's: {issuer!r}")
        check(env.get("MCP_SERVER_OIDC_CLIENT_ID") == {"Ref": "UserPoolClient"}, f"{label}: the pool's client id")
        check("MCP_SERVER_OIDC_CLIENT_SECRET_ARN" not in env, f"{label}: no client secret for the public client")
        check(env.get("MCP_SERVER_OIDC_GROUP_CLAIM") == "cognito:groups", f"{label}: Cognito's group claim")

# --- WebAclArn=create with an allow-list: WAF blocks other addresses before the function runs ---

IPV4_LIST = "203.0.113.0/24,198.51.100.7/32"
s = Stack({"WebAclArn": "create", "AllowedIpCidrs": IPV4_LIST, "AllowedIpv6Cidrs": "2001:db8::/48"})
acl = s.resources["WebAcl"]["Properties"]
check(acl["DefaultAction"] == {"Block": {}}, "with an allow-list the web ACL blocks by default")
ip_sets = s.of_type("AWS::WAFv2::IPSet")
check({r["Properties"]["IPAddressVersion"] for r in ip_sets.values()} == {"IPV4", "IPV6"}, "an IPv4 and an IPv6 set")
check(s.resources["AllowedIpv4Set"]["Properties"]["Addresses"] == {"Fn::Split": [",", IPV4_LIST]},
      "the IPv4 set holds the parameter's CIDRs")
allow_rules = [r for r in acl["Rules"] if "IPSetReferenceStatement" in r["Statement"]]
check(len(allow_rules) == 2 and all(r["Action"] == {"Allow": {}} for r in allow_rules), "both sets allow")
check(all(r["Priority"] > max(o["Priority"] for o in acl["Rules"] if o not in allow_rules) for r in allow_rules),
      "rate limit and reputation list run before the allow-list (an allow ends evaluation)")
priorities = [r["Priority"] for r in acl["Rules"]]
check(len(priorities) == len(set(priorities)), "distinct rule priorities")
s = Stack({"WebAclArn": "create"})
check(s.resources["WebAcl"]["Properties"]["DefaultAction"] == {"Allow": {}} and not s.of_type("AWS::WAFv2::IPSet"),
      "without an allow-list the stack's web ACL allows by default")
s = Stack({"WebAclArn": WAF_ARN, "AllowedIpCidrs": "203.0.113.0/24"})
check(not s.of_type("AWS::WAFv2::IPSet"), "a web ACL the stack does not own is not changed")

# --- CreateTrail=true: the table's data events and the secrets' reads are recorded ---

s = Stack({"CreateTrail": "true"})
trail = next(iter(s.of_type("AWS::CloudTrail::Trail").values()))["Properties"]
check(trail.get("IsLogging") is True and trail.get("EnableLogFileValidation") is True, "a validated, logging trail")
selectors = [{f["Field"]: f for f in selector["FieldSelectors"]} for selector in trail["AdvancedEventSelectors"]]
check(any(sel.get("eventCategory", {}).get("Equals") == ["Data"]
          and sel.get("resources.type", {}).get("Equals") == ["AWS::DynamoDB::Table"]
          and refers_to(sel.get("resources.ARN", {}).get("Equals"), "Table") for sel in selectors),
      "the trail records the table's data events")
check(any(sel.get("eventCategory", {}).get("Equals") == ["Management"]
          and "secretsmanager.amazonaws.com" not in sel.get("eventSource", {}).get("NotEquals", [])
          for sel in selectors),
      "the trail records management events, where Secrets Manager's GetSecretValue is")
bucket = s.resources["TrailBucket"]
check(bucket.get("DeletionPolicy") == "Retain", "the trail's bucket outlives the stack")
check(all(bucket["Properties"]["PublicAccessBlockConfiguration"].values()), "the trail's bucket is not public")
statements = s.resources["TrailBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
check(any(st["Effect"] == "Allow" and st["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
          and st["Action"] == "s3:PutObject" for st in statements), "CloudTrail may write to the bucket")
check(any(st["Effect"] == "Deny" and "aws:SecureTransport" in str(st.get("Condition")) for st in statements),
      "the trail's bucket refuses plain HTTP")
check("Trail" in (s.resources["Trail"].get("DependsOn") or "") or "TrailBucketPolicy" in str(
    s.resources["Trail"].get("DependsOn")), "the trail waits for its bucket policy")

for failure in failures:
    print(f"template check failed: {failure}")
sys.exit(1 if failures else 0)
