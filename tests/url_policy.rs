//! JWKS URLs are read as a WHATWG URL parser reads them (the parser `fetch`
//! applies): the policy decides on that host, and that URL is fetched.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/url_forms.rs"]
mod url_forms;

#[test]
fn host_forms_under_every_policy() {
    let (failures, checks) = url_forms::run();
    assert!(checks >= 200, "{checks} checks");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Preset parameters are user input put into URL templates: none may move
/// the URL to another host than the one it names, and every preset URL is
/// the parser's reading, checked by the policy.
#[test]
fn presets_keep_their_host() {
    use powersync_jwt::config::from_provider;
    const LOCAL: &str = r#"{"rejectIpRanges":["local"]}"#;
    // (provider, params, options, Ok(href) or Err((code, field)))
    type Want = Result<&'static str, (&'static str, &'static str)>;
    let table: &[(&str, &str, &str, Want)] = &[
        (
            "auth0",
            r#"{"domain":"tenant.eu.auth0.com","audience":"a"}"#,
            LOCAL,
            Ok("https://tenant.eu.auth0.com/.well-known/jwks.json"),
        ),
        (
            "auth0",
            r#"{"domain":"https://Tenant.EU.auth0.com/","audience":"a"}"#,
            LOCAL,
            Ok("https://tenant.eu.auth0.com/.well-known/jwks.json"),
        ),
        (
            "auth0",
            r#"{"domain":"bücher.example","audience":"a"}"#,
            LOCAL,
            Ok("https://xn--bcher-kva.example/.well-known/jwks.json"),
        ),
        (
            "auth0",
            r#"{"domain":"127.0.0.1\\@x","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "domain")),
        ),
        (
            "auth0",
            r#"{"domain":"evil.com\\x","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "domain")),
        ),
        (
            "auth0",
            r#"{"domain":"x/..","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "domain")),
        ),
        (
            "auth0",
            r#"{"domain":"x:8080","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "domain")),
        ),
        (
            "auth0",
            r#"{"domain":"user@x","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "domain")),
        ),
        (
            "auth0",
            r#"{"domain":"exa mple.com","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "domain")),
        ),
        (
            "auth0",
            r#"{"domain":"%31%32%37.0.0.1","audience":"a"}"#,
            LOCAL,
            Err(("PSYNC_S2203", "jwks_uri")),
        ),
        (
            "clerk",
            r#"{"frontendApi":"１２７.０.０.１","audience":"a"}"#,
            LOCAL,
            Err(("PSYNC_S2203", "jwks_uri")),
        ),
        (
            "clerk",
            r#"{"frontendApi":"clerk.example.com?","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "frontendApi")),
        ),
        (
            "cognito",
            r#"{"region":"eu-west-1","userPoolId":"eu-west-1_AbC","audience":"a"}"#,
            LOCAL,
            Ok("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC/.well-known/jwks.json"),
        ),
        (
            "cognito",
            r#"{"region":"evil%2ecom\\","userPoolId":"p","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "region")),
        ),
        (
            "cognito",
            r#"{"region":"x:1\\","userPoolId":"p","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "region")),
        ),
        (
            "cognito",
            r#"{"region":"eu-west-1","userPoolId":"..","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "userPoolId")),
        ),
        (
            "azure-ad",
            r#"{"tenantId":"t/../x","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "tenantId")),
        ),
        (
            "azure-ad",
            r#"{"tenantId":"t\\..\\..\\x","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "tenantId")),
        ),
        (
            "azure-ad",
            r#"{"tenantId":"%2e%2e","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "tenantId")),
        ),
        (
            "firebase",
            r#"{"projectId":"a@127.0.0.1"}"#,
            "",
            Err(("PSYNC_S2201", "projectId")),
        ),
        (
            "stytch",
            r#"{"projectId":"p\tq"}"#,
            "",
            Err(("PSYNC_S2201", "projectId")),
        ),
        (
            "workos",
            r#"{"clientId":"client_01"}"#,
            LOCAL,
            Ok("https://api.workos.com/sso/jwks/client_01"),
        ),
        (
            "workos",
            r#"{"clientId":"a\\b"}"#,
            "",
            Err(("PSYNC_S2201", "clientId")),
        ),
        (
            "supabase",
            r#"{"projectRef":"127.0.0.1\\@x"}"#,
            "",
            Err(("PSYNC_S2201", "projectRef")),
        ),
        (
            "supertokens",
            r#"{"apiDomain":"https://api.example.com","audience":"a"}"#,
            LOCAL,
            Ok("https://api.example.com/auth/jwt/jwks.json"),
        ),
        (
            "supertokens",
            r#"{"apiDomain":"https://api.example.com","apiBasePath":"@127.0.0.1","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "apiBasePath")),
        ),
        (
            "supertokens",
            r#"{"apiDomain":"https://api.example.com","apiBasePath":"evil","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "apiBasePath")),
        ),
        (
            "supertokens",
            r#"{"apiDomain":"not a url","audience":"a"}"#,
            "",
            Err(("PSYNC_S3102", "apiDomain")),
        ),
        (
            "keycloak",
            r#"{"url":"https://kc.example.com/","realm":"demo","audience":"a"}"#,
            LOCAL,
            Ok("https://kc.example.com/realms/demo/protocol/openid-connect/certs"),
        ),
        (
            "keycloak",
            r#"{"url":"https://kc.example.com","realm":"a\\..\\b","audience":"a"}"#,
            "",
            Err(("PSYNC_S2201", "realm")),
        ),
        (
            "keycloak",
            r#"{"url":"http://127.0.0.1:8080\\@kc.example.com","realm":"demo","audience":"a"}"#,
            LOCAL,
            Err(("PSYNC_S2203", "jwks_uri")),
        ),
        (
            "keycloak",
            r#"{"url":"ftp://kc.example.com","realm":"demo","audience":"a"}"#,
            "",
            Err(("PSYNC_S3103", "url")),
        ),
        (
            "google",
            r#"{"audience":"a","baseUrl":"http://127.0.0.1:99\\@example.com"}"#,
            LOCAL,
            Err(("PSYNC_S2203", "jwks_uri")),
        ),
        (
            "google",
            r#"{"audience":"a","baseUrl":"http://127.0.0.1:99\\@example.com"}"#,
            "",
            Ok("http://127.0.0.1:99/@example.com/oauth2/v3/certs"),
        ),
        (
            "custom",
            r#"{"jwksUri":"http://127。0。0。1/k","audience":"a"}"#,
            LOCAL,
            Err(("PSYNC_S2203", "jwks_uri")),
        ),
        (
            "custom",
            r#"{"jwksUri":"http://127。0。0。1/k","audience":"a"}"#,
            "",
            Ok("http://127.0.0.1/k"),
        ),
        (
            "custom",
            r#"{"jwksUri":"http://[fe80::1%25eth0]/k","audience":"a"}"#,
            "",
            Err(("PSYNC_S3102", "jwks_uri")),
        ),
    ];
    let mut failures = Vec::new();
    for (provider, params, options, want) in table {
        let got = match from_provider(provider, params, options) {
            Ok(v) => Ok(v.remotes()[0].0.url.clone()),
            Err(e) => Err((e.code, e.field.unwrap_or_default())),
        };
        let want = match want {
            Ok(href) => Ok(href.to_string()),
            Err((code, field)) => Err((*code, field.to_string())),
        };
        if got != want {
            failures.push(format!(
                "{provider} {params} {options}: {got:?}, want {want:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
