import Foundation
import MCPServerAWS
import Testing

/// AWS's published Signature Version 4 test suite (credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1,
/// service "service"): each case checks the canonical request, the string to sign and the Authorization header.
@Suite("AWS SigV4 signer")
struct AWSSigV4SignerTests {
    struct Vector: Sendable, CustomStringConvertible {
        var name: String
        var method: String
        var target: String
        var headers: [(name: String, value: String)]
        var body: String = ""
        var canonical: String
        var stringToSignHash: String
        var signedHeaders: String
        var signature: String
        var description: String { self.name }
    }

    static let date = "20150830T123600Z"
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let host = ("host", "example.amazonaws.com")
    static let amz = ("x-amz-date", date)
    static let stsToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

    static func simple(
        _ name: String,
        _ method: String,
        _ target: String,
        path: String,
        query: String,
        hash: String,
        signature: String
    ) -> Vector {
        Vector(
            name: name,
            method: method,
            target: target,
            headers: [host, amz],
            canonical:
                "\(method)\n\(path)\n\(query)\nhost:example.amazonaws.com\nx-amz-date:\(date)\n\nhost;x-amz-date\n\(emptyHash)",
            stringToSignHash: hash,
            signedHeaders: "host;x-amz-date",
            signature: signature
        )
    }

    static let vectors: [Vector] = [
        simple(
            "get-vanilla",
            "GET",
            "/",
            path: "/",
            query: "",
            hash: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ),
        simple(
            "get-vanilla-empty-query-key",
            "GET",
            "/?Param1=value1",
            path: "/",
            query: "Param1=value1",
            hash: "1e24db194ed7d0eec2de28d7369675a243488e08526e8c1c73571282f7c517ab",
            signature: "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"
        ),
        simple(
            "get-vanilla-query-order-key",
            "GET",
            "/?Param1=value2&Param1=Value1",
            path: "/",
            query: "Param1=Value1&Param1=value2",
            hash: "704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89",
            signature: "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"
        ),
        simple(
            "get-vanilla-query-order-key-case",
            "GET",
            "/?Param2=value2&Param1=value1",
            path: "/",
            query: "Param1=value1&Param2=value2",
            hash: "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
            signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        ),
        simple(
            "get-vanilla-query-order-value",
            "GET",
            "/?Param1=value2&Param1=value1",
            path: "/",
            query: "Param1=value1&Param1=value2",
            hash: "c968629d70850097a2d8781c9bf7edcb988b04cac14cca9be4acc3595f884606",
            signature: "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"
        ),
        simple(
            "get-vanilla-query-unreserved",
            "GET",
            "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            path: "/",
            query:
                "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            hash: "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177",
            signature: "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"
        ),
        simple(
            "get-vanilla-utf8-query",
            "GET",
            "/?ሴ=bar",
            path: "/",
            query: "%E1%88%B4=bar",
            hash: "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073",
            signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"
        ),
        simple(
            "get-unreserved",
            "GET",
            "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            query: "",
            hash: "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9",
            signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"
        ),
        simple(
            "get-utf8",
            "GET",
            "/ሴ",
            path: "/%E1%88%B4",
            query: "",
            hash: "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
            signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"
        ),
        simple(
            "normalize-path/get-relative-relative",
            "GET",
            "/example1/example2/../..",
            path: "/",
            query: "",
            hash: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ),
        simple(
            "normalize-path/get-slash",
            "GET",
            "//",
            path: "/",
            query: "",
            hash: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ),
        simple(
            "normalize-path/get-slash-pointless-dot",
            "GET",
            "/./example",
            path: "/example",
            query: "",
            hash: "214d50c111a8edc4819da6a636336472c916b5240f51e9a51b5c3305180cf702",
            signature: "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"
        ),
        simple(
            "normalize-path/get-slashes",
            "GET",
            "//example//",
            path: "/example/",
            query: "",
            hash: "cb96b4ac96d501f7c5c15bc6d67b3035061cfced4af6585ad927f7e6c985c015",
            signature: "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"
        ),
        simple(
            "normalize-path/get-space",
            "GET",
            "/example space/",
            path: "/example%20space/",
            query: "",
            hash: "63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86",
            signature: "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"
        ),
        simple(
            "post-vanilla",
            "POST",
            "/",
            path: "/",
            query: "",
            hash: "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
            signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        ),
        simple(
            "post-vanilla-query",
            "POST",
            "/?Param1=value1",
            path: "/",
            query: "Param1=value1",
            hash: "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd",
            signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"
        ),
        Vector(
            name: "get-header-value-trim",
            method: "GET",
            target: "/",
            headers: [host, ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\""), amz],
            canonical:
                "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:\(date)\n\nhost;my-header1;my-header2;x-amz-date\n\(emptyHash)",
            stringToSignHash: "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
            signedHeaders: "host;my-header1;my-header2;x-amz-date",
            signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"
        ),
        Vector(
            name: "get-header-key-duplicate",
            method: "GET",
            target: "/",
            headers: [host, ("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1"), amz],
            canonical:
                "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:\(date)\n\nhost;my-header1;x-amz-date\n\(emptyHash)",
            stringToSignHash: "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c",
            signedHeaders: "host;my-header1;x-amz-date",
            signature: "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"
        ),
        Vector(
            name: "post-header-value-case",
            method: "POST",
            target: "/",
            headers: [host, ("My-Header1", "VALUE1"), amz],
            canonical:
                "POST\n/\n\nhost:example.amazonaws.com\nmy-header1:VALUE1\nx-amz-date:\(date)\n\nhost;my-header1;x-amz-date\n\(emptyHash)",
            stringToSignHash: "d51ced243e649e3de6ef63afbbdcbca03131a21a7103a1583706a64618606a93",
            signedHeaders: "host;my-header1;x-amz-date",
            signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"
        ),
        Vector(
            name: "post-sts-token/post-sts-header-before",
            method: "POST",
            target: "/",
            headers: [host, amz, ("X-Amz-Security-Token", stsToken)],
            canonical:
                "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:\(date)\nx-amz-security-token:\(stsToken)\n\nhost;x-amz-date;x-amz-security-token\n\(emptyHash)",
            stringToSignHash: "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
            signedHeaders: "host;x-amz-date;x-amz-security-token",
            signature: "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"
        ),
        Vector(
            name: "post-x-www-form-urlencoded",
            method: "POST",
            target: "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), host, amz],
            body: "Param1=value1",
            canonical:
                "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:\(date)\n\ncontent-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
            stringToSignHash: "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
            signedHeaders: "content-type;host;x-amz-date",
            signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
        ),
    ]

    static let signer = AWSSigV4Signer(
        credentials: AWSCredentials(
            accessKeyID: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        ),
        region: "us-east-1",
        service: "service"
    )

    @Test("AWS's test suite", arguments: vectors)
    func suite(_ vector: Vector) {
        let signature = Self.signer.sign(
            method: vector.method,
            target: vector.target,
            headers: vector.headers,
            body: Array(vector.body.utf8),
            amzDate: Self.date
        )
        #expect(signature.canonicalRequest == vector.canonical)
        #expect(
            signature.stringToSign
                == "AWS4-HMAC-SHA256\n\(Self.date)\n20150830/us-east-1/service/aws4_request\n\(vector.stringToSignHash)"
        )
        #expect(
            signature.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)"
        )
    }

    @Test("signedHeaders adds the date, the session token and the signature for that date")
    func signedHeaders() {
        let signer = AWSSigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: "AKIDEXAMPLE",
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                sessionToken: Self.stsToken
            ),
            region: "us-east-1",
            service: "service"
        )
        let added = signer.signedHeaders(
            method: "POST",
            target: "/",
            headers: [Self.host],
            body: [],
            date: Date(timeIntervalSince1970: 1_440_938_160)
        )
        #expect(added.map(\.name) == ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(added[0].value == Self.date)
        #expect(added[2].value.hasSuffix("Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"))
    }

    @Test("credentials come from the Lambda environment; the secret is never described")
    func credentials() {
        let found = AWSCredentials.fromEnvironment([
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s3cr3t", "AWS_SESSION_TOKEN": "tok",
        ])
        #expect(found == AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s3cr3t", sessionToken: "tok"))
        #expect(found?.redacted.contains("s3cr3t") == false)
        #expect(AWSCredentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "AKID"]) == nil)
    }
}
