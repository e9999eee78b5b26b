//! Presets for the auth providers in the PowerSync documentation: each turns
//! a few named parameters into key sources, audiences and options.
//! `baseUrl` replaces a preset's scheme and host (for tests and proxies).
//!
//! Parameters are put into URL templates, so each is held to what it names
//! (a host name, an identifier), and every URL made is read back with the
//! WHATWG parser: a value that would move the URL to another host than the
//! one it names is refused.

use crate::error::ConfigError;
use crate::json::{JsString, Object, Value};
use crate::url_policy::JwksUrl;

/// What a preset configures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preset {
    /// JWKS URLs; `true` when the Supabase key options apply.
    pub jwks_uris: Vec<(JwksUrl, bool)>,
    /// The Supabase legacy JWT secret.
    pub supabase_secret: Option<String>,
    pub audiences: Vec<JsString>,
    pub issuers: Option<Vec<JsString>>,
}

/// A provider preset (docs/behaviour.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    Supabase,
    Firebase,
    Auth0,
    Clerk,
    Stytch,
    Keycloak,
    Cognito,
    AzureAd,
    Google,
    Supertokens,
    Workos,
    /// Any JWKS URL and audience.
    Custom,
}

impl Provider {
    /// Every preset, in the order of the documentation.
    pub const ALL: [Provider; 12] = [
        Provider::Supabase,
        Provider::Firebase,
        Provider::Auth0,
        Provider::Clerk,
        Provider::Stytch,
        Provider::Keycloak,
        Provider::Cognito,
        Provider::AzureAd,
        Provider::Google,
        Provider::Supertokens,
        Provider::Workos,
        Provider::Custom,
    ];

    /// The name `forProvider` takes.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Supabase => "supabase",
            Provider::Firebase => "firebase",
            Provider::Auth0 => "auth0",
            Provider::Clerk => "clerk",
            Provider::Stytch => "stytch",
            Provider::Keycloak => "keycloak",
            Provider::Cognito => "cognito",
            Provider::AzureAd => "azure-ad",
            Provider::Google => "google",
            Provider::Supertokens => "supertokens",
            Provider::Workos => "workos",
            Provider::Custom => "custom",
        }
    }

    /// The preset of a name, exactly.
    ///
    /// ```
    /// use powersync_jwt::providers::Provider;
    /// assert_eq!(Provider::from_name("azure-ad"), Some(Provider::AzureAd));
    /// assert_eq!(Provider::from_name("Auth0"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The parameters the preset takes.
    pub fn params(self) -> &'static [&'static str] {
        match self {
            Provider::Supabase => &["projectRef", "jwtSecret", "baseUrl"],
            Provider::Firebase => &["projectId", "checkIssuer", "baseUrl"],
            Provider::Auth0 => &["domain", "audience", "baseUrl"],
            Provider::Clerk => &["frontendApi", "audience", "baseUrl"],
            Provider::Stytch => &["projectId", "live", "audience", "baseUrl"],
            Provider::Keycloak => &["url", "realm", "audience"],
            Provider::Cognito => &["region", "userPoolId", "audience", "baseUrl"],
            Provider::AzureAd => &["tenantId", "audience", "baseUrl"],
            Provider::Google => &["audience", "baseUrl"],
            Provider::Supertokens => &["apiDomain", "apiBasePath", "audience"],
            Provider::Workos => &["clientId", "audience", "baseUrl"],
            Provider::Custom => &["jwksUri", "audience"],
        }
    }
}

struct Params<'a> {
    provider: &'a str,
    obj: &'a Object,
}

impl Params<'_> {
    fn err(&self, field: &str, msg: &str) -> ConfigError {
        ConfigError::option(field, format!("{msg} (provider {})", self.provider))
    }

    fn opt(&self, name: &str) -> Result<Option<&str>, ConfigError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => s
                .as_str()
                .map(Some)
                .ok_or_else(|| self.err(name, "must be well-formed Unicode")),
            Some(_) => Err(self.err(name, "must be a non-empty string")),
        }
    }

    fn req(&self, name: &str) -> Result<&str, ConfigError> {
        self.opt(name)?.ok_or_else(|| self.err(name, "is required"))
    }

    /// A host name (no scheme, no path), as the URL parser reads it: the
    /// value must be nothing but a host (no user, port, path, query).
    fn host(&self, name: &str) -> Result<String, ConfigError> {
        let v = self.req(name)?;
        let v = v
            .strip_prefix("https://")
            .unwrap_or(v)
            .trim_end_matches('/');
        let bad = || self.err(name, "must be a host name such as example.com");
        if v.is_empty() || v.contains(['/', '\\', '?', '#', '@']) {
            return Err(bad());
        }
        let url = JwksUrl::parse(&format!("https://{v}/")).map_err(|_| bad())?;
        if url.href() != format!("https://{}/", url.hostname()) {
            return Err(bad());
        }
        Ok(url.hostname().to_string())
    }

    /// A path segment or host label (identifier): ASCII letters, digits,
    /// `-` and `_`, so that it cannot end, escape or reshape its place in
    /// the URL (`/`, `\`, `%`, `@`, `.`, `..`).
    fn segment(&self, name: &str) -> Result<&str, ConfigError> {
        let v = self.req(name)?;
        if !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
        {
            return Err(self.err(name, "must be an identifier, not a URL"));
        }
        Ok(v)
    }

    fn audiences(&self, name: &str) -> Result<Vec<JsString>, ConfigError> {
        match self.obj.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Ok(vec![s.clone()]),
            Some(Value::Array(a)) if !a.is_empty() => a
                .iter()
                .map(|v| v.as_js_str().filter(|s| !s.is_empty()).cloned())
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| self.err(name, "must be a string or a list of strings")),
            None | Some(Value::Null) => Err(self.err(name, "is required")),
            Some(_) => Err(self.err(name, "must be a string or a list of strings")),
        }
    }

    fn flag(&self, name: &str) -> Result<bool, ConfigError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.err(name, "must be a boolean")),
        }
    }

    /// `origin + path`, or `baseUrl + path` when a base URL is given.
    /// `field` names the parameter that went into `origin` or `path`.
    fn url(&self, field: &str, origin: &str, path: &str) -> Result<JwksUrl, ConfigError> {
        match self.opt("baseUrl")? {
            Some(base) => self.join(("baseUrl", field), base, path),
            None => self.join((field, field), origin, path),
        }
    }

    /// `base + path`, read by the URL parser, on the host `base` names.
    /// `fields` name the parameters that gave `base` and `path`.
    fn join(&self, fields: (&str, &str), base: &str, path: &str) -> Result<JwksUrl, ConfigError> {
        let base = base.trim_end_matches('/');
        let at = |field: &str, e: ConfigError| ConfigError {
            field: Some(field.to_string()),
            message: format!("{} (provider {})", e.message, self.provider),
            ..e
        };
        let host = JwksUrl::parse(base).map_err(|e| at(fields.0, e))?;
        let url = JwksUrl::parse(&format!("{base}{path}")).map_err(|e| at(fields.1, e))?;
        if url.hostname() != host.hostname() {
            return Err(self.err(
                fields.1,
                &format!(
                    "would move the JWKS URL from host {} to {}",
                    host.hostname(),
                    url.hostname()
                ),
            ));
        }
        Ok(url)
    }
}

/// Resolves a preset.
///
/// ```
/// use powersync_jwt::providers::preset;
/// use powersync_jwt::json::parse;
/// let (params, _) = parse(r#"{"domain":"example.eu.auth0.com","audience":"https://api.example.com"}"#).unwrap();
/// let p = preset("auth0", params.as_object().unwrap()).unwrap();
/// assert_eq!(p.jwks_uris[0].0.href(), "https://example.eu.auth0.com/.well-known/jwks.json");
/// assert!(preset("auth0", &Default::default()).is_err());
/// ```
pub fn preset(provider: &str, obj: &Object) -> Result<Preset, ConfigError> {
    let p = Params { provider, obj };
    let Some(which) = Provider::from_name(provider) else {
        return Err(ConfigError::option(
            "provider",
            format!(
                "{provider:?} is not a known provider (known: {})",
                Provider::ALL.map(Provider::name).join(", ")
            ),
        ));
    };
    let known = which.params();
    for (k, _) in obj.iter() {
        let k = &*k.to_string_lossy();
        if !known.contains(&k) {
            return Err(p.err(
                k,
                &format!(
                    "is not a parameter of this preset (it takes: {})",
                    known.join(", ")
                ),
            ));
        }
    }
    let mut out = Preset::default();
    let remote = |url: JwksUrl| (url, false);
    match which {
        Provider::Supabase => {
            let reference = p.opt("projectRef")?;
            out.supabase_secret = p.opt("jwtSecret")?.map(str::to_string);
            if let Some(r) = reference {
                if !r.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(p.err(
                        "projectRef",
                        "must be the project reference (the <ref> of <ref>.supabase.co)",
                    ));
                }
                out.jwks_uris.push((
                    p.url(
                        "projectRef",
                        &format!("https://{r}.supabase.co"),
                        "/auth/v1/.well-known/jwks.json",
                    )?,
                    true,
                ));
            }
            if out.supabase_secret.is_none() && out.jwks_uris.is_empty() {
                return Err(p.err(
                    "projectRef",
                    "give projectRef (signing keys), jwtSecret (legacy secret) or both",
                ));
            }
        }
        Provider::Firebase => {
            let id = p.segment("projectId")?;
            out.jwks_uris.push(remote(p.url(
                "projectId",
                "https://www.googleapis.com",
                "/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com",
            )?));
            out.audiences = vec![id.into()];
            if p.flag("checkIssuer")? {
                out.issuers = Some(vec![format!("https://securetoken.google.com/{id}").into()]);
            }
        }
        Provider::Auth0 => {
            let domain = p.host("domain")?;
            out.jwks_uris.push(remote(p.url(
                "domain",
                &format!("https://{domain}"),
                "/.well-known/jwks.json",
            )?));
            out.audiences = p.audiences("audience")?;
        }
        Provider::Clerk => {
            let fapi = p.host("frontendApi")?;
            out.jwks_uris.push(remote(p.url(
                "frontendApi",
                &format!("https://{fapi}"),
                "/.well-known/jwks.json",
            )?));
            out.audiences = p.audiences("audience")?;
        }
        Provider::Stytch => {
            let id = p.segment("projectId")?;
            let host = if p.flag("live")? {
                "https://api.stytch.com"
            } else {
                "https://test.stytch.com"
            };
            out.jwks_uris.push(remote(p.url(
                "projectId",
                host,
                &format!("/v1/sessions/jwks/{id}"),
            )?));
            out.audiences = if obj.contains("audience") {
                p.audiences("audience")?
            } else {
                vec![id.into()]
            };
        }
        Provider::Keycloak => {
            let base = p.req("url")?;
            let realm = p.segment("realm")?;
            out.jwks_uris.push(remote(p.join(
                ("url", "realm"),
                base,
                &format!("/realms/{realm}/protocol/openid-connect/certs"),
            )?));
            out.audiences = p.audiences("audience")?;
        }
        Provider::Cognito => {
            let region = p.segment("region")?;
            let pool = p.segment("userPoolId")?;
            out.jwks_uris.push(remote(p.url(
                "region",
                &format!("https://cognito-idp.{region}.amazonaws.com"),
                &format!("/{pool}/.well-known/jwks.json"),
            )?));
            out.audiences = p.audiences("audience")?;
        }
        Provider::AzureAd => {
            let tenant = p.segment("tenantId")?;
            out.jwks_uris.push(remote(p.url(
                "tenantId",
                "https://login.microsoftonline.com",
                &format!("/{tenant}/discovery/v2.0/keys"),
            )?));
            out.audiences = p.audiences("audience")?;
        }
        Provider::Google => {
            out.jwks_uris.push(remote(p.url(
                "baseUrl",
                "https://www.googleapis.com",
                "/oauth2/v3/certs",
            )?));
            out.audiences = p.audiences("audience")?;
        }
        Provider::Supertokens => {
            let domain = p.req("apiDomain")?;
            let base_path = p
                .opt("apiBasePath")?
                .unwrap_or("/auth")
                .trim_end_matches('/');
            out.jwks_uris.push(remote(p.join(
                ("apiDomain", "apiBasePath"),
                domain,
                &format!("{base_path}/jwt/jwks.json"),
            )?));
            out.audiences = p.audiences("audience")?;
        }
        Provider::Workos => {
            let id = p.segment("clientId")?;
            out.jwks_uris.push(remote(p.url(
                "clientId",
                "https://api.workos.com",
                &format!("/sso/jwks/{id}"),
            )?));
            out.audiences = if obj.contains("audience") {
                p.audiences("audience")?
            } else {
                vec![id.into()]
            };
        }
        Provider::Custom => {
            out.jwks_uris
                .push(remote(JwksUrl::parse(p.req("jwksUri")?)?));
            out.audiences = p.audiences("audience")?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ALL` holds every preset, and each by its name.
    #[test]
    fn all_lists_every_provider() {
        // No wildcard: a new variant does not compile until it has a place
        // here, and `ALL` must then hold it at that place.
        let place = |p: Provider| match p {
            Provider::Supabase => 0,
            Provider::Firebase => 1,
            Provider::Auth0 => 2,
            Provider::Clerk => 3,
            Provider::Stytch => 4,
            Provider::Keycloak => 5,
            Provider::Cognito => 6,
            Provider::AzureAd => 7,
            Provider::Google => 8,
            Provider::Supertokens => 9,
            Provider::Workos => 10,
            Provider::Custom => 11,
        };
        for (i, p) in Provider::ALL.into_iter().enumerate() {
            assert_eq!(place(p), i);
            assert_eq!(Provider::from_name(p.name()), Some(p));
        }
    }
}
