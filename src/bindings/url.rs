//! The runtime's WHATWG `URL`, for [`crate::url_policy`]: in the wasm build
//! the policy reads a URL with the very parser that `fetch` applies to it.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = URL)]
    type JsUrl;

    #[wasm_bindgen(constructor, js_class = "URL", catch)]
    fn new(text: &str) -> Result<JsUrl, JsValue>;

    #[wasm_bindgen(method, getter, js_class = "URL")]
    fn href(this: &JsUrl) -> String;

    #[wasm_bindgen(method, getter, js_class = "URL")]
    fn protocol(this: &JsUrl) -> String;

    #[wasm_bindgen(method, getter, js_class = "URL")]
    fn hostname(this: &JsUrl) -> String;
}

/// `new URL(text)`: its `protocol`, `href` and `hostname`; none when it throws.
pub(crate) fn parse(text: &str) -> Option<(String, String, String)> {
    let u = JsUrl::new(text).ok()?;
    Some((u.protocol(), u.href(), u.hostname()))
}
