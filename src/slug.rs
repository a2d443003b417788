//! Ids and slugs: the names that become output folders. Lowercase ASCII only, so that
//! pages never collide on case-insensitive hosts (SPEC §1).

/// Ids and slugs: lowercase, so output never collides on case-insensitive hosts.
pub(crate) fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// A valid id close to `text`, to show the author what to type instead.
pub(crate) fn slugify(text: &str) -> String {
    let slug = ascii_slug(text);
    if slug.is_empty() {
        "item".into()
    } else {
        slug
    }
}

/// The ASCII letters and digits of `text`, lowercased, with `-` between words; empty
/// when it has none.
fn ascii_slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || (matches!(c, '.' | '_') && !slug.is_empty()) {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches(['-', '.', '_']).to_string()
}

/// The folder of a product under `products/` (SPEC §9): the name as a slug. A name
/// with letters the slug cannot hold ("日本", "한국", "Café") gets a short fingerprint of
/// the whole name after what the slug kept, so that distinct names get distinct folders
/// rather than all sharing `item` (or `caf`). Names of ASCII letters, digits and
/// punctuation keep the slug they always had, and with it their URLs.
pub(crate) fn product_slug(name: &str) -> String {
    let slug = ascii_slug(name);
    let dropped = name.chars().any(|c| c.is_alphanumeric() && !c.is_ascii());
    match (dropped, slug.is_empty()) {
        (false, false) => slug,
        (false, true) => "item".into(),
        (true, true) => format!("p-{}", fingerprint(name)),
        (true, false) => format!("{slug}-{}", fingerprint(name)),
    }
}

/// Eight hex digits of FNV-1a over the name's UTF-8 bytes: the same in every version of
/// the program and on every machine, since it becomes a URL.
fn fingerprint(name: &str) -> String {
    let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    format!("{hash:08x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for ok in ["customers", "a", "0day", "eu.enterprise_2-x"] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in ["", "Customers", "-x", ".x", "a b", "é", "_x"] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn slugs_are_valid_ids() {
        for (input, slug) in [
            ("Instant refunds", "instant-refunds"),
            ("PDF / CSV export!", "pdf-csv-export"),
            ("Ünïcode", "n-code"),
            ("!!!", "item"),
        ] {
            assert_eq!(slugify(input), slug);
            assert!(is_valid_id(&slugify(input)));
        }
    }

    #[test]
    fn product_slugs_keep_ascii_names_and_tell_other_names_apart() {
        // What ASCII names always had: their URLs do not move.
        for (name, slug) in [("Payments API", "payments-api"), ("Ledger", "ledger"), ("Item", "item"), ("!!!", "item")]
        {
            assert_eq!(product_slug(name), slug, "{name}");
        }
        let names = ["日本", "한국", "Item", "Café", "Caf", "日本 2", "한국 2", "Пример", "пример"];
        let slugs: Vec<String> = names.iter().map(|n| product_slug(n)).collect();
        for (name, slug) in names.iter().zip(&slugs) {
            assert!(is_valid_id(slug), "{name} → {slug}");
            assert_eq!(&product_slug(name), slug, "the same every time");
        }
        let mut distinct = slugs.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), names.len(), "{slugs:?}");
        // Pinned: the slug is a URL, and must not change from one version to the next.
        assert_eq!(product_slug("日本"), "p-9f26ee51");
        assert!(product_slug("Café").starts_with("caf-"), "{}", product_slug("Café"));
        assert!(product_slug("日本 2").starts_with("2-"));
    }
}
