"""Checks server/template.yaml for what the deployment promises, beyond what cfn-lint validates.

Usage: check_template.py TEMPLATE   (run with .venv-moto/bin/python, which has cfn-lint's YAML loader)
Prints one line per failed check and exits 1 if any failed.
"""

import sys

from cfnlint.decode import decode

template, matches = decode(sys.argv[1])
if matches:
    sys.exit(f"cannot parse the template: {matches}")
resources = template["Resources"]
parameters = template["Parameters"]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def of_type(kind):
    return {name: r for name, r in resources.items() if r["Type"] == kind}


functions = of_type("AWS::Serverless::Function")
check(len(functions) == 1, "one function")
function = next(iter(functions.values()))["Properties"]
check(function["Runtime"] == "provided.al2023", "runtime provided.al2023")
check(function["Handler"] == "bootstrap", "handler bootstrap")
check(parameters["Architecture"]["Default"] == "arm64", "arm64 by default")
check(set(parameters["Architecture"]["AllowedValues"]) == {"arm64", "x86_64"}, "x86_64 as a parameter")
env = function["Environment"]["Variables"]
check(env.get("MCP_SERVER_STORE") == "dynamodb", "DynamoDB store")
check("MCP_SERVER_SIGNING_KEY_SECRET" in env, "signing key from Secrets Manager")

routes = {e["Properties"]["Path"] for e in function["Events"].values() if e["Type"] == "HttpApi"}
wanted = {"/mcp", "/dcr", "/register", "/token", "/clients/{clientId}", "/jwks.json", "/.well-known/{proxy+}"}
check(routes == wanted, f"HTTP API routes {sorted(routes)} == {sorted(wanted)}")

table = next(iter(of_type("AWS::DynamoDB::Table").values()))["Properties"]
check(table["BillingMode"] == "PAY_PER_REQUEST", "on-demand table")
check(table["SSESpecification"]["SSEEnabled"] is True, "encrypted table")
check(table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, "point-in-time recovery")
check(table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}, "TTL on expires_at")
check({k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == {"pk": "HASH", "sk": "RANGE"}, "pk/sk keys")

check(len(of_type("AWS::SecretsManager::Secret")) == 1, "a Secrets Manager secret")

# Least privilege: named actions only, on the table and the secret only.
for policy in function["Policies"]:
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        check(all("*" not in a for a in actions), f"no wildcard actions in {statement.get('Sid')}")
        check(statement["Resource"] != "*", f"no wildcard resource in {statement.get('Sid')}")
        allowed = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                   "dynamodb:Query", "secretsmanager:GetSecretValue"}
        check(set(actions) <= allowed, f"only the operations the store uses: {actions}")

groups = of_type("AWS::Logs::LogGroup")
check(groups and all("RetentionInDays" in g["Properties"] for g in groups.values()), "log groups with retention")
check("LogGroup" in function.get("LoggingConfig", {}), "the function logs to the retained group")

alarms = [a["Properties"] for a in of_type("AWS::CloudWatch::Alarm").values()]
metrics = {(a["Namespace"], a["MetricName"]) for a in alarms}
for metric in [("AWS/Lambda", "Errors"), ("AWS/Lambda", "Duration"), ("AWS/Lambda", "Throttles"),
               ("AWS/ApiGateway", "5xx")]:
    check(metric in metrics, f"alarm on {metric}")
check(any(a.get("ExtendedStatistic") == "p99" for a in alarms), "p99 duration alarm")

api = next(iter(of_type("AWS::Serverless::HttpApi").values()))["Properties"]
check("ThrottlingRateLimit" in api["DefaultRouteSettings"], "API throttling")
check("Domain" in api, "optional custom domain")
check(any(r.get("Condition") == "HasWaf" for r in of_type("AWS::WAFv2::WebACLAssociation").values()),
      "optional WAF association")

for failure in failures:
    print(f"template check failed: {failure}")
sys.exit(1 if failures else 0)
