//! The store's layout rule, checked on its source (docs/architecture.md, "Areas"):
//!
//! - a module imports only the kernel, the policy and areas earlier in [`ORDER`]
//!   (its own area too);
//! - no two modules import each other, directly or round a longer circle;
//! - a module writes (INSERT, UPDATE, DELETE) only its own area's tables ([`TABLES`]);
//! - no source file of the workspace (tests and the load generator aside) is longer
//!   than [`MAX_LINES`].
//!
//! It reads the files as text: `crate::…` and `super::…` paths (in `use` lines and in
//! code) are the imports, SQL string literals are the writes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The areas, each allowed to import those before it.
const ORDER: &[&str] = &[
    "kernel",
    "policy",
    "auth",
    "settings",
    "customers",
    "catalog",
    "pipeline",
    "orders",
    "contracts",
    "lab",
    "distribution",
    "timeline",
    "reports",
    "lifecycle",
];

/// Who writes each table.
const TABLES: &[(&str, &str)] = &[
    ("audit_log", "kernel"),
    ("idempotency_keys", "kernel"),
    ("number_series", "kernel"),
    ("users", "auth"),
    ("sessions", "auth"),
    ("api_tokens", "auth"),
    ("settings", "settings"),
    ("accounts", "customers"),
    ("account_tags", "customers"),
    ("contacts", "customers"),
    ("account_contacts", "customers"),
    ("account_reps", "customers"),
    ("distributor_partners", "customers"),
    ("products", "catalog"),
    ("price_tiers", "catalog"),
    ("durations", "catalog"),
    ("leads", "pipeline"),
    ("lead_status_history", "pipeline"),
    ("pipeline_totals", "pipeline"),
    ("order_types", "orders"),
    ("order_states", "orders"),
    ("order_state_transitions", "orders"),
    ("orders", "orders"),
    ("order_people", "orders"),
    ("order_items", "orders"),
    ("order_state_history", "orders"),
    ("order_month_counts", "orders"),
    ("contracts", "contracts"),
    ("contract_status_history", "contracts"),
    ("projects", "lab"),
    ("tasks", "lab"),
    ("message_types", "lab"),
    ("messages", "lab"),
    ("message_recipients", "lab"),
    ("instructions", "lab"),
    ("distributions", "distribution"),
    ("distribution_key_months", "distribution"),
    ("distribution_months", "distribution"),
    ("distribution_firsts", "distribution"),
    ("activities", "timeline"),
];

const MAX_LINES: usize = 500;

/// One source file: its module path (`["customers", "accounts"]`) and text.
struct Module {
    path: Vec<String>,
    file: PathBuf,
    text: String,
}

impl Module {
    fn area(&self) -> Option<&str> {
        self.path.first().map(String::as_str)
    }

    fn name(&self) -> String {
        if self.path.is_empty() {
            "crate".into()
        } else {
            self.path.join("::")
        }
    }
}

fn modules() -> Vec<Module> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    collect(&src, &src, &mut out);
    assert!(out.len() > 20, "expected the store's modules under {src:?}");
    out
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<Module>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(root, &p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let rel = p.strip_prefix(root).expect("under src");
            let mut path: Vec<String> = rel
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(path.last().map(String::as_str), Some("mod" | "lib")) {
                path.pop();
            }
            let text = std::fs::read_to_string(&p).expect("read module");
            out.push(Module {
                path,
                file: p,
                text,
            });
        }
    }
}

/// Text with comments and string literals blanked, so a path in a doc comment or a
/// message is not taken for an import.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                out.push(' ');
                let mut escaped = false;
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                    }
                    if escaped {
                        escaped = false;
                    } else if n == '\\' {
                        escaped = true;
                    } else if n == '"' {
                        break;
                    }
                }
            }
            // A char literal such as '"' or '{' must not open a string or a group; a
            // lifetime ('a) has no closing quote after one character.
            '\'' => {
                let mut look = chars.clone();
                match (look.next(), look.next()) {
                    (Some('\\'), _) => {
                        // The backslash and the escaped character, then up to the quote.
                        chars.next();
                        chars.next();
                        for n in chars.by_ref() {
                            if n == '\'' {
                                break;
                            }
                        }
                        out.push(' ');
                    }
                    (Some(_), Some('\'')) => {
                        chars.next();
                        chars.next();
                        out.push(' ');
                    }
                    _ => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every path named after `crate::` or `super::`, with brace groups expanded, resolved
/// to a path from the crate root.
fn imported_paths(m: &Module) -> Vec<Vec<String>> {
    let code = code_only(&m.text);
    let bytes: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest: String = bytes[i..bytes.len().min(i + 8)].iter().collect();
        let boundary = i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_');
        let base: Option<(Vec<String>, usize)> = if boundary && rest.starts_with("crate::") {
            Some((Vec::new(), 7))
        } else if boundary && rest.starts_with("super::") {
            // `super` of a file module is its parent; of a mod.rs, the grandparent.
            let is_dir_module = m.file.file_name().is_some_and(|f| f == "mod.rs");
            let mut parent = m.path.clone();
            parent.pop();
            if is_dir_module {
                parent.pop();
            }
            Some((parent, 7))
        } else {
            None
        };
        if let Some((prefix, skip)) = base {
            let (paths, end) = parse_tree(&bytes, i + skip, prefix);
            out.extend(paths);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Parses `a::b::{c, d::e}` from `at`, returning each full path and where it ended.
fn parse_tree(s: &[char], mut at: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let mut path = prefix;
    loop {
        while at < s.len() && s[at].is_whitespace() {
            at += 1;
        }
        if at < s.len() && s[at] == '{' {
            let mut all = Vec::new();
            at += 1;
            loop {
                let (paths, end) = parse_tree(s, at, path.clone());
                all.extend(paths);
                at = end;
                while at < s.len() && s[at].is_whitespace() {
                    at += 1;
                }
                if at < s.len() && s[at] == ',' {
                    at += 1;
                    continue;
                }
                if at < s.len() && s[at] == '}' {
                    at += 1;
                }
                return (all, at);
            }
        }
        let start = at;
        while at < s.len() && (s[at].is_alphanumeric() || s[at] == '_') {
            at += 1;
        }
        if start == at {
            return (vec![path], at);
        }
        let word: String = s[start..at].iter().collect();
        if word != "self" {
            path.push(word);
        }
        if at + 1 < s.len() && s[at] == ':' && s[at + 1] == ':' {
            at += 2;
        } else {
            return (vec![path], at);
        }
    }
}

/// The module a path lands in: the longest prefix that is a module.
fn target<'a>(path: &[String], by_path: &'a BTreeMap<Vec<String>, usize>) -> Option<&'a usize> {
    (0..=path.len())
        .rev()
        .find_map(|n| by_path.get(&path[..n].to_vec()))
}

fn rank(area: &str) -> Option<usize> {
    ORDER.iter().position(|a| *a == area)
}

#[test]
fn every_module_belongs_to_an_area_in_the_order() {
    for m in modules() {
        if let Some(area) = m.area() {
            assert!(
                rank(area).is_some(),
                "{} is in no area of the documented order {ORDER:?}",
                m.name()
            );
        }
    }
}

#[test]
fn modules_import_only_the_kernel_the_policy_and_earlier_areas() {
    let mods = modules();
    let by_path: BTreeMap<Vec<String>, usize> = mods
        .iter()
        .enumerate()
        .map(|(i, m)| (m.path.clone(), i))
        .collect();
    let mut wrong = Vec::new();
    for m in &mods {
        let Some(area) = m.area() else { continue };
        let Some(mine) = rank(area) else { continue };
        for p in imported_paths(m) {
            let Some(&t) = target(&p, &by_path) else {
                continue;
            };
            let Some(theirs) = mods[t].area().and_then(rank) else {
                // The crate root: the Store handle and re-exports of the kernel.
                continue;
            };
            // The kernel imports nothing but itself; the policy only the kernel.
            let allowed = theirs <= mine;
            if !allowed {
                wrong.push(format!("{} imports {}", m.name(), p.join("::")));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the order:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_modules_import_each_other_in_a_circle() {
    let mods = modules();
    let by_path: BTreeMap<Vec<String>, usize> = mods
        .iter()
        .enumerate()
        .map(|(i, m)| (m.path.clone(), i))
        .collect();
    let mut edges: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); mods.len()];
    for (i, m) in mods.iter().enumerate() {
        for p in imported_paths(m) {
            if let Some(&t) = target(&p, &by_path) {
                // The crate root declares every module; a child naming its parent's
                // helpers is not a circle through the declarations.
                if t != i && !mods[t].path.is_empty() && !m.path.starts_with(&mods[t].path) {
                    edges[i].insert(t);
                }
            }
        }
    }
    let circles = strongly_connected(&edges)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            c.iter()
                .map(|&i| mods[i].name())
                .collect::<Vec<_>>()
                .join(" ↔ ")
        })
        .collect::<Vec<_>>();
    assert!(
        circles.is_empty(),
        "modules in a circle:\n{}",
        circles.join("\n")
    );
}

/// Tarjan's strongly connected components.
fn strongly_connected(edges: &[BTreeSet<usize>]) -> Vec<Vec<usize>> {
    struct State<'a> {
        edges: &'a [BTreeSet<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in s.edges[v].iter() {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            s.out.push(comp);
        }
    }
    let n = edges.len();
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.out
}

/// The tables named by `INSERT INTO t`, `UPDATE t`, `DELETE FROM t` in the module's
/// string literals, and by the kernel's `insert_sql("t", …)` / `update_by_id_sql("t", …)`.
fn written_tables(text: &str) -> BTreeSet<String> {
    let upper_markers = ["INSERT INTO ", "UPDATE ", "DELETE FROM "];
    let call_markers = ["insert_sql(\"", "update_by_id_sql(\""];
    let mut out = BTreeSet::new();
    for marker in upper_markers.iter().chain(call_markers.iter()) {
        let mut from = 0;
        while let Some(pos) = text[from..].find(marker) {
            let start = from + pos + marker.len();
            let name: String = text[start..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if TABLES.iter().any(|(t, _)| *t == name) {
                out.insert(name);
            }
            from = start;
        }
    }
    out
}

#[test]
fn modules_write_only_their_own_areas_tables() {
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    for m in modules() {
        let Some(area) = m.area() else { continue };
        for table in written_tables(&m.text) {
            seen.insert(table.clone());
            let owner = TABLES
                .iter()
                .find(|(t, _)| *t == table)
                .map(|(_, a)| *a)
                .unwrap_or("?");
            if owner != area {
                wrong.push(format!(
                    "{} writes {table}, which belongs to {owner}",
                    m.name()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "writes outside the area:\n{}",
        wrong.join("\n")
    );
    // The check must be looking at something: most tables are written by a literal.
    assert!(seen.len() > 15, "found writes to only {seen:?}");
}

/// Source files of every crate of the workspace but the load generator, which the
/// rule on length leaves out (as it does tests).
fn workspace_sources() -> Vec<(PathBuf, usize)> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crates folder")
        .to_path_buf();
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&crates)
        .expect("read crates")
        .map(|e| e.expect("dir entry").path().join("src"))
        .filter(|p| p.is_dir() && !p.starts_with(crates.join("bench")))
        .collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let p = entry.expect("dir entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let lines = std::fs::read_to_string(&p).expect("read").lines().count();
                out.push((p, lines));
            }
        }
    }
    out
}

#[test]
fn no_source_file_is_too_long() {
    let sources = workspace_sources();
    assert!(sources.len() > 100, "expected the workspace's sources");
    let long: Vec<String> = sources
        .iter()
        .filter(|(_, lines)| *lines > MAX_LINES)
        .map(|(p, lines)| format!("{} ({lines} lines)", p.display()))
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_parser_sees_groups_super_and_ignores_comments_and_strings() {
    let m = Module {
        path: vec!["pipeline".into(), "leads".into()],
        file: PathBuf::from("pipeline/leads.rs"),
        text: "// crate::lifecycle::x in a comment\n\
               use crate::{kernel::audit::{self, A}, customers::accounts};\n\
               let s = \"crate::reports::y\"; let c = '\"';\n\
               super::board::apply(c);\n"
            .into(),
    };
    let got: BTreeSet<String> = imported_paths(&m).iter().map(|p| p.join("::")).collect();
    let want: BTreeSet<String> = [
        "kernel::audit",
        "kernel::audit::A",
        "customers::accounts",
        "pipeline::board::apply",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(got, want);
    assert_eq!(
        written_tables("c.execute(\"UPDATE leads SET x\"); insert_sql(\"activities\", &C)"),
        ["activities".to_string(), "leads".to_string()]
            .into_iter()
            .collect()
    );
}
