//! Running every scenario against every peer in both directions.

use std::fmt::Write;

use crate::cases::Scenario;
use crate::exchange::{Job, JobResult, JsonMessage};
use crate::known::KNOWN_DIFFERENCES;
use crate::native;
use crate::peer::Peer;

/// Who signs and who verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// reqsig signs, the peer verifies.
    ToPeer,
    /// The peer signs, reqsig verifies.
    FromPeer,
}

impl Direction {
    /// Both directions, in matrix order.
    pub const BOTH: &'static [Direction] = &[Direction::ToPeer, Direction::FromPeer];

    /// Returns the arrow used in the matrix: `→` from reqsig, `←` to reqsig.
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::ToPeer => "→",
            Direction::FromPeer => "←",
        }
    }

    /// Returns who signs and who verifies, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Direction::ToPeer => "reqsig signs, peer verifies",
            Direction::FromPeer => "peer signs, reqsig verifies",
        }
    }
}

/// The outcome of one scenario with one peer in one direction.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The signatures verified.
    Pass,
    /// They did not, with the reason.
    Fail(String),
    /// They did not, as a known difference explains.
    Known {
        /// The position of the difference in [`KNOWN_DIFFERENCES`].
        index: usize,
        /// The reason the signatures did not verify.
        detail: String,
    },
}

/// One cell of the matrix.
#[derive(Clone, Debug)]
pub struct Cell {
    /// The scenario.
    pub scenario: Scenario,
    /// The peer name.
    pub peer: String,
    /// The direction.
    pub direction: Direction,
    /// The outcome.
    pub outcome: Outcome,
}

/// The tamper check of one peer in one direction: signed requests whose
/// method was changed after signing, which the verifier must all reject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TamperCheck {
    /// The peer name.
    pub peer: String,
    /// The direction.
    pub direction: Direction,
    /// How many tampered scenarios the verifier saw.
    pub checked: usize,
    /// The ids of tampered scenarios the verifier accepted.
    pub accepted: Vec<String>,
}

/// The cells of every scenario with every peer, the tamper checks, and the peers' packages.
#[derive(Clone, Debug)]
pub struct Matrix {
    /// Peer names and packages, in column order.
    pub peers: Vec<(String, String)>,
    /// The scenarios, in row order.
    pub scenarios: Vec<Scenario>,
    /// Every cell.
    pub cells: Vec<Cell>,
    /// The tamper checks, per peer and direction.
    pub tamper_checks: Vec<TamperCheck>,
}

/// Pass, fail and known-difference counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Cells that passed.
    pub pass: usize,
    /// Cells that failed.
    pub fail: usize,
    /// Cells with a known difference.
    pub known: usize,
}

impl Matrix {
    /// Runs every scenario against every peer, in both directions, and the tamper checks.
    ///
    /// # Errors
    /// When a peer as a whole fails, for example when its process cannot start.
    pub fn run(peers: &[&dyn Peer], scenarios: &[Scenario]) -> Result<Matrix, String> {
        let mut matrix = Matrix {
            peers: peers
                .iter()
                .map(|peer| (peer.name().to_owned(), peer.package()))
                .collect(),
            scenarios: scenarios.to_vec(),
            cells: Vec::new(),
            tamper_checks: Vec::new(),
        };
        for peer in peers {
            matrix.run_to_peer(*peer)?;
            matrix.run_from_peer(*peer)?;
        }
        Ok(matrix)
    }

    /// Describes every failed cell and every tampered message a verifier
    /// accepted; empty when the matrix holds only passes and known differences.
    pub fn problems(&self) -> Vec<String> {
        let cells = self.cells.iter().filter_map(|cell| match &cell.outcome {
            Outcome::Fail(detail) => Some(format!(
                "{} {} {}: {detail}",
                cell.peer,
                cell.direction.arrow(),
                cell.scenario.id()
            )),
            _ => None,
        });
        cells.chain(self.tamper_problems()).collect()
    }

    /// Counts the outcomes of one peer in one direction.
    pub fn counts(&self, peer: &str, direction: Direction) -> Counts {
        let mut counts = Counts::default();
        for cell in self
            .cells
            .iter()
            .filter(|c| c.peer == peer && c.direction == direction)
        {
            match cell.outcome {
                Outcome::Pass => counts.pass += 1,
                Outcome::Fail(_) => counts.fail += 1,
                Outcome::Known { .. } => counts.known += 1,
            }
        }
        counts
    }

    /// Describes every cell that is not a pass, with its reason, one per line, for test output.
    pub fn report(&self) -> String {
        let mut out = String::new();
        for cell in &self.cells {
            let (kind, detail) = match &cell.outcome {
                Outcome::Pass => continue,
                Outcome::Fail(detail) => ("FAIL", detail),
                Outcome::Known { detail, .. } => ("known difference", detail),
            };
            let _ = writeln!(
                out,
                "{kind}: {} {} {} ({}): {detail}",
                cell.peer,
                cell.direction.arrow(),
                cell.scenario.id(),
                cell.direction.describe()
            );
        }
        for problem in self.tamper_problems() {
            let _ = writeln!(out, "FAIL: {problem}");
        }
        out
    }

    fn tamper_problems(&self) -> impl Iterator<Item = String> + '_ {
        self.tamper_checks.iter().flat_map(|check| {
            check.accepted.iter().map(move |id| {
                format!(
                    "{} {} {id}: the verifier accepted the request after its method was changed",
                    check.peer,
                    check.direction.arrow()
                )
            })
        })
    }

    /// reqsig signs every scenario and the peer verifies them in one batch,
    /// then verifies the same jobs again with the request method changed.
    fn run_to_peer(&mut self, peer: &dyn Peer) -> Result<(), String> {
        let mut outcomes = vec![None; self.scenarios.len()];
        let mut jobs = Vec::new();
        let mut positions = Vec::new();
        for (position, scenario) in self.scenarios.iter().enumerate() {
            let job = native::sign(scenario)
                .and_then(|signed| scenario.job(&signed.request, signed.response.as_ref()));
            match job {
                Ok(job) => {
                    jobs.push(job);
                    positions.push(position);
                }
                Err(error) => outcomes[position] = Some(Outcome::Fail(format!("reqsig: {error}"))),
            }
        }
        for (&position, result) in positions.iter().zip(peer.verify(&jobs)?) {
            outcomes[position] = Some(if result.ok {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("{} could not verify: {}", peer.name(), error_of(&result)))
            });
        }
        for (scenario, outcome) in self.scenarios.clone().into_iter().zip(outcomes) {
            let outcome = outcome.unwrap_or_else(|| Outcome::Fail("no result".to_owned()));
            self.push_cell(peer.name(), scenario, Direction::ToPeer, outcome);
        }

        let tampered = jobs.iter().cloned().map(tamper_job).collect::<Vec<_>>();
        let accepted = peer
            .verify(&tampered)?
            .into_iter()
            .filter(|result| result.ok)
            .map(|result| result.id)
            .collect();
        self.tamper_checks.push(TamperCheck {
            peer: peer.name().to_owned(),
            direction: Direction::ToPeer,
            checked: tampered.len(),
            accepted,
        });
        Ok(())
    }

    /// The peer signs every scenario in one batch and reqsig verifies them,
    /// then verifies each signed request again with its method changed.
    fn run_from_peer(&mut self, peer: &dyn Peer) -> Result<(), String> {
        let jobs = self
            .scenarios
            .iter()
            .map(|scenario| scenario.job(&scenario.request(), scenario.response().as_ref()))
            .collect::<Result<Vec<_>, String>>()?;
        let results = peer.sign(&jobs)?;
        let mut check = TamperCheck {
            peer: peer.name().to_owned(),
            direction: Direction::FromPeer,
            checked: 0,
            accepted: Vec::new(),
        };
        for (scenario, mut result) in self.scenarios.clone().into_iter().zip(results) {
            let outcome = match verify_signed(&scenario, &result) {
                Ok(()) => Outcome::Pass,
                Err(error) => Outcome::Fail(error),
            };
            self.push_cell(peer.name(), scenario, Direction::FromPeer, outcome);

            if let Some(request) = result.request.as_mut().filter(|_| result.ok) {
                tamper_request(request);
                check.checked += 1;
                if verify_signed(&scenario, &result).is_ok() {
                    check.accepted.push(scenario.id());
                }
            }
        }
        self.tamper_checks.push(check);
        Ok(())
    }

    /// Adds a cell, turning a failure into a known difference where one
    /// applies and a pass where one applies into a failure.
    fn push_cell(&mut self, peer: &str, scenario: Scenario, direction: Direction, outcome: Outcome) {
        let known = KNOWN_DIFFERENCES
            .iter()
            .position(|d| d.applies(peer, scenario.case.name, scenario.algorithm, direction));
        let outcome = match (known, outcome) {
            (Some(index), Outcome::Fail(detail)) => Outcome::Known { index, detail },
            (Some(index), Outcome::Pass) => Outcome::Fail(format!(
                "passed, but known difference {} ({}) says it fails: remove or narrow that entry in known.rs",
                index + 1,
                KNOWN_DIFFERENCES[index].section
            )),
            (_, outcome) => outcome,
        };
        self.cells.push(Cell {
            scenario,
            peer: peer.to_owned(),
            direction,
            outcome,
        });
    }
}

fn verify_signed(scenario: &Scenario, result: &JobResult) -> Result<(), String> {
    if !result.ok {
        return Err(format!("the peer could not sign: {}", error_of(result)));
    }
    let request = result
        .request
        .as_ref()
        .ok_or("the peer returned no request")?
        .to_message()?;
    let response = match (&result.response, scenario.case.response) {
        (Some(response), Some(_)) => Some(response.to_message()?),
        (None, Some(_)) => return Err("the peer returned no response".to_owned()),
        (_, None) => None,
    };
    native::verify(scenario, &request, response.as_ref()).map_err(|e| format!("reqsig could not verify: {e}"))
}

fn error_of(result: &JobResult) -> &str {
    result.error.as_deref().unwrap_or("no reason given")
}

/// Changes the request method. Every signature of every case covers it:
/// request signatures as `@method`, response signatures as `"@method";req`.
fn tamper_request(request: &mut JsonMessage) {
    let changed = if request.method.as_deref() == Some("PUT") {
        "PATCH"
    } else {
        "PUT"
    };
    request.method = Some(changed.to_owned());
}

fn tamper_job(mut job: Job) -> Job {
    tamper_request(&mut job.request);
    job
}

#[cfg(test)]
mod tests {
    use reqsig::Algorithm;

    use super::*;
    use crate::cases::scenarios;
    use crate::peer::NPM;

    /// A broken peer that signs nothing and accepts every signature.
    struct AcceptingPeer;

    impl Peer for AcceptingPeer {
        fn name(&self) -> &str {
            "accepting"
        }

        fn package(&self) -> String {
            "none".to_owned()
        }

        fn sign(&self, jobs: &[Job]) -> Result<Vec<JobResult>, String> {
            Ok(jobs
                .iter()
                .map(|job| JobResult::succeeded(&job.id, Some(job.request.clone()), job.response.clone()))
                .collect())
        }

        fn verify(&self, jobs: &[Job]) -> Result<Vec<JobResult>, String> {
            Ok(jobs
                .iter()
                .map(|job| JobResult::succeeded(&job.id, None, None))
                .collect())
        }
    }

    #[test]
    fn accepting_peer_caught() {
        let scenarios = scenarios();
        let matrix = Matrix::run(&[&AcceptingPeer], &scenarios).expect("the fake peer runs");
        let counts = matrix.counts("accepting", Direction::FromPeer);
        assert_eq!(
            counts.fail,
            scenarios.len(),
            "unsigned messages must not verify in reqsig"
        );
        let tamper = &matrix.tamper_checks[0];
        assert_eq!(tamper.direction, Direction::ToPeer);
        assert_eq!(tamper.accepted.len(), scenarios.len());
        assert!(!matrix.problems().is_empty());
    }

    #[test]
    fn known_difference_never_passes() {
        let scenario = scenarios()
            .into_iter()
            .find(|s| s.case.name == "get" && s.algorithm == Algorithm::RsaPssSha512)
            .expect("the get case runs with rsa-pss-sha512");
        let mut matrix = Matrix::run(&[], &[]).expect("an empty matrix runs");
        matrix.push_cell(
            NPM,
            scenario,
            Direction::FromPeer,
            Outcome::Fail("salt".to_owned()),
        );
        matrix.push_cell(NPM, scenario, Direction::FromPeer, Outcome::Pass);
        matrix.push_cell(NPM, scenario, Direction::ToPeer, Outcome::Pass);
        assert!(matches!(matrix.cells[0].outcome, Outcome::Known { .. }));
        assert!(matches!(matrix.cells[1].outcome, Outcome::Fail(_)));
        assert!(matches!(matrix.cells[2].outcome, Outcome::Pass));
    }
}
