//! `docs/COMPATIBILITY.md` stays true: its request-code table is checked against the code table
//! (`remoting::code`) and the broker's dispatch (`broker::dispatch::room`).

use std::collections::BTreeMap;

use thruster::broker::dispatch::{room, Room};
use thruster::remoting::{JavaHandler, Request, Versions};

struct Row {
    name: String,
    v4: String,
    v5: String,
    handler: String,
    status: String,
    proof: String,
}

fn rows() -> BTreeMap<i32, Row> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/COMPATIBILITY.md")).unwrap();
    let section = doc.split("## Request codes").nth(1).unwrap().split("\n## ").next().unwrap();
    let mut rows = BTreeMap::new();
    for line in section.lines() {
        let cells: Vec<&str> = line.trim().trim_matches('|').split(" | ").map(str::trim).collect();
        let Some(Ok(code)) = cells.first().map(|c| c.parse::<i32>()) else { continue };
        assert_eq!(cells.len(), 7, "row of {code} has {} cells: {line}", cells.len());
        let row = Row {
            name: cells[1].trim_matches('`').to_owned(),
            v4: cells[2].to_owned(),
            v5: cells[3].to_owned(),
            handler: cells[4].to_owned(),
            status: cells[5].to_owned(),
            proof: cells[6].to_owned(),
        };
        assert!(rows.insert(code, row).is_none(), "code {code} listed twice");
    }
    rows
}

fn handler_matches(handler: JavaHandler, text: &str) -> bool {
    match handler {
        JavaHandler::Broker => text.starts_with("Broker") && !text.contains("Client"),
        JavaHandler::BrokerAndClient => text == "Broker, Client",
        JavaHandler::Client => text == "Client",
        JavaHandler::Controller => text == "Controller",
        JavaHandler::Namesrv => text.starts_with("NS") && !text.contains("Controller"),
        JavaHandler::NamesrvAndController => text.starts_with("NS") && text.ends_with("Controller"),
        JavaHandler::Nobody => text == "— (no handler)",
    }
}

#[test]
fn request_code_table_matches_the_dispatch() {
    let rows = rows();
    assert_eq!(rows.len(), Request::ALL.len(), "one row per request code");
    for code in Request::ALL {
        let row = rows.get(&code.code()).unwrap_or_else(|| panic!("{} has no row", code.name()));
        let what = format!("row {} ({})", code.code(), code.name());
        assert_eq!(row.name, code.name(), "{what}: name");
        let (v4, v5) = match code.versions() {
            Versions::Both => ("✓", "✓"),
            Versions::V4 => ("✓", "—"),
            Versions::V5 => ("—", "✓"),
        };
        assert_eq!((row.v4.as_str(), row.v5.as_str()), (v4, v5), "{what}: tags");
        assert!(handler_matches(code.java_handler(), &row.handler), "{what}: Java handler {}", row.handler);
        let allowed: &[&str] = match (room(*code), code.java_handler()) {
            (Room::Processor(_), _) => &["works", "partial"],
            (Room::NotYet(_), _) => &["no"],
            (Room::NoJavaHandler, _) => &["n/a"],
            (Room::NotBroker, JavaHandler::Namesrv | JavaHandler::NamesrvAndController) => &["works", "partial"],
            (Room::NotBroker, JavaHandler::Client) => &["n/a", "works"],
            (Room::NotBroker, _) => &["no", "n/a"],
        };
        assert!(allowed.contains(&row.status.as_str()), "{what}: status {:?}, room {:?}", row.status, room(*code));
        if row.status == "works" || row.status == "partial" {
            assert!(!row.proof.contains("not yet built") && !row.proof.is_empty(), "{what}: proof {:?}", row.proof);
        }
    }
}
