//! The form and query decoder (`undersign::http::form`) on any bytes: it
//! never panics, and what it accepts keeps its promises. The input is a
//! request body or query string as sent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use undersign::http::form::{check_query, query_param, Form, FormError};

/// The lists the routers really pass (none on the site, `id` on the
/// console's bulk actions), and one with the sign form's own fields.
const REPEATABLE: [&[&str]; 3] = [&[], &["id"], &["id", "name", "token", "kind", "listed", ""]];

fuzz_target!(|bytes: &[u8]| {
    let strict = Form::decode(bytes, REPEATABLE[0]);
    for repeatable in REPEATABLE {
        let decoded = Form::decode(bytes, repeatable);
        match &decoded {
            Ok(form) => check_form(form, bytes, repeatable),
            // Allowing repeats can only let decoding go further: a repeat
            // refused with them allowed is refused without, and bytes
            // refused without are refused with.
            Err(FormError::Repeated) => assert_eq!(strict.as_ref().err(), Some(&FormError::Repeated)),
            Err(FormError::NotUtf8) => assert_ne!(strict.as_ref().err(), None),
            Err(e) => panic!("decode gave {e:?}, which only read_form may"),
        }
        if strict.as_ref().err() == Some(&FormError::NotUtf8) {
            assert_eq!(decoded.as_ref().err(), Some(&FormError::NotUtf8));
        }
        // What decodes without repeats decodes the same with any allowed.
        if let Ok(form) = &strict {
            let same = decoded.as_ref().expect("a form without repeats decoded with repeats allowed");
            assert!(form.fields().eq(same.fields()));
        }
    }

    // Queries are text; the server checks them once, then reads parameters.
    let Ok(query) = std::str::from_utf8(bytes) else { return };
    let checked = check_query(query);
    match &strict {
        Ok(_) => assert_eq!(checked, Ok(())),
        Err(FormError::NotUtf8) => assert_eq!(checked, Err(FormError::NotUtf8)),
        Err(_) => {}
    }
    if checked.is_err() {
        // Refused queries are never read; still, nothing here may panic.
        let _ = query_param(Some(query), "q");
        return;
    }
    if let Ok(form) = &strict {
        for (key, value) in form.fields() {
            assert_eq!(query_param(Some(query), key).as_deref(), Some(value), "query_param({key:?})");
        }
    }
    for key in ["q", "page", ""] {
        let value = query_param(Some(query), key);
        if let Ok(form) = &strict {
            assert_eq!(value.as_deref(), form.get(key));
        }
    }
    assert_eq!(query_param(None, "q"), None);
});

/// What a decoded form promises, for the `repeatable` it was decoded with.
fn check_form(form: &Form, bytes: &[u8], repeatable: &[&str]) {
    let fields: Vec<(&str, &str)> = form.fields().collect();
    // One field per non-empty `&`-separated piece, in order.
    assert_eq!(fields.len(), bytes.split(|b| *b == b'&').filter(|p| !p.is_empty()).count());
    for (i, (key, value)) in fields.iter().enumerate() {
        assert!(!key.contains('\0') && !value.contains('\0'), "NUL in {key:?}={value:?}");
        let repeats = fields[..i].iter().any(|(k, _)| k == key);
        assert!(!repeats || repeatable.contains(key), "{key:?} repeated");
        // get, all and has agree with the fields.
        assert_eq!(form.get(key), fields.iter().find(|(k, _)| k == key).map(|(_, v)| *v));
        assert!(form.all(key).eq(fields.iter().filter(|(k, _)| k == key).map(|(_, v)| *v)));
        assert!(form.has(key));
    }
    // What a browser would send for these fields decodes back to them.
    let mut again = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &fields {
        again.append_pair(key, value);
    }
    let again = again.finish();
    let decoded = Form::decode(again.as_bytes(), repeatable).expect("a browser's encoding is refused");
    assert!(decoded.fields().eq(form.fields()), "{again:?} decodes differently");
}
