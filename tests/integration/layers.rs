//! The crate's imports run one way, from the ground floor up through the stages to the front
//! ends: a module imports only modules below it. Read from the sources, so that a new import
//! running back up fails here rather than in a newcomer's drawing of the graph.

use crate::common::root;

/// Every top-level module of `src/` by floor, lowest first. A module may import only modules on
/// a lower floor (and its own insides).
const FLOORS: &[&[&str]] = &[
    // The ground floor: shared vocabulary that uses no stage.
    &["platform", "geometry", "budget"],
    &["error", "base"],
    // Native libraries and model files.
    &["runtime", "models"],
    // The stages, in the order data flows.
    &["intake"],
    &["pages"],
    &["detect"],
    &["find"],
    &["mask"],
    &["write"],
    &["edit"],
    &["pipeline"],
    // The front ends.
    &["check", "audit", "doctor"],
    &["serve"],
];

fn floor(module: &str) -> Option<usize> {
    FLOORS.iter().position(|floor| floor.contains(&module))
}

/// Every `crate::<module>` named in the code (comments aside) of each file under `src/<top>/`
/// or `src/<top>.rs`, as (file, line, top module, named module).
fn imports() -> Vec<(String, usize, String, String)> {
    let src = root().join("src");
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let text = std::fs::read_to_string(path).unwrap();
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (at, _) in line.match_indices("crate::") {
                let named: String = line[at + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !named.is_empty() && named != top {
                    found.push((
                        relative.display().to_string(),
                        number + 1,
                        top.clone(),
                        named,
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn imports_run_only_down_from_the_front_ends_through_the_stages_to_the_ground_floor() {
    let entry_points = ["lib", "main", "cli"];
    let mut upward = Vec::new();
    for (file, line, top, named) in imports() {
        if entry_points.contains(&top.as_str()) {
            continue;
        }
        let (Some(from), Some(to)) = (floor(&top), floor(&named)) else {
            panic!("{file}:{line}: module {top} or {named} has no floor in FLOORS");
        };
        if to >= from {
            upward.push(format!("{file}:{line}: {top} imports {named}"));
        }
    }
    assert!(
        upward.is_empty(),
        "imports running up:\n{}",
        upward.join("\n")
    );
}

#[test]
fn every_top_level_module_has_a_floor() {
    let src = root().join("src");
    for entry in std::fs::read_dir(&src).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let module = name.trim_end_matches(".rs");
        if ["lib", "main", "cli"].contains(&module) {
            continue;
        }
        assert!(floor(module).is_some(), "src/{name} is on no floor");
    }
}
