//! Lends each HTTP attempt a ureq agent of its own, the most recently returned one first.
//!
//! One agent shared by every thread keeps all idle connections in one pool: each attempt scans
//! them all under one lock (when it takes one and when it gives it back) and takes the least
//! recently used, whose liveness probe is the stalest (see `tcp`). Here each agent
//! serves one attempt at a time and keeps its one connection, so an attempt takes the agent
//! that finished last: a warm connection, a fresh probe, and no lock shared inside ureq.
//! There are as many agents as attempts were ever in flight at once (the pool's maximum at
//! most); one unused for `IDLE` is dropped with its connection.

use crate::locks::lock;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use ureq::Agent;
use ureq::config::{Config, ConfigBuilder};
use ureq::http::Uri;
use ureq::typestate::AgentScope;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{ConnectionDetails, Connector, NextTimeout};

/// ureq's own idle limit for a pooled connection: an agent unused for longer holds a
/// connection ureq would not reuse anyway.
pub const IDLE: Duration = Duration::from_secs(15);

pub struct Agents {
    /// Makes a new agent on the shared connector chain and resolver.
    make: Box<dyn Fn() -> Agent + Send + Sync>,
    /// How long a spare agent is kept.
    idle: Duration,
    state: Mutex<State>,
}

struct State {
    /// Returned agents, the most recent last.
    spare: VecDeque<(Instant, u64, Agent)>,
    /// Every agent alive, lent or spare, so that `shut_down` reaches the attempts in progress.
    all: Vec<(u64, Agent)>,
    next_id: u64,
    closed: bool,
}

/// An agent lent to one attempt; given back when dropped.
pub struct Lent<'a> {
    agents: &'a Agents,
    id: u64,
    agent: Option<Agent>,
}

impl std::ops::Deref for Lent<'_> {
    type Target = Agent;
    fn deref(&self) -> &Agent {
        self.agent.as_ref().expect("an agent is lent until dropped")
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(agent) = self.agent.take() {
            self.agents.give_back(self.id, agent);
        }
    }
}

impl Agents {
    /// `config` is each agent's, with one idle connection kept for `idle`; the connector and
    /// the resolver are shared by all, so TLS settings and the name cache are built once.
    pub fn new(
        config: ConfigBuilder<AgentScope>,
        connector: impl Connector<()>,
        resolver: impl Resolver,
        idle: Duration,
    ) -> Agents {
        let config = config
            .max_idle_connections(1)
            .max_idle_connections_per_host(1)
            .max_idle_age(idle)
            .build();
        let (connector, resolver) = (Arc::new(connector), Arc::new(resolver));
        let make = move || {
            Agent::with_parts(
                config.clone(),
                Shared(Arc::clone(&connector)),
                Shared(Arc::clone(&resolver)),
            )
        };
        Agents {
            make: Box::new(make),
            idle,
            state: Mutex::new(State {
                spare: VecDeque::new(),
                all: Vec::new(),
                next_id: 0,
                closed: false,
            }),
        }
    }

    /// The most recently returned agent, or a new one; `None` once shut down.
    pub fn lend(&self) -> Option<Lent<'_>> {
        let mut s = lock(&self.state);
        if s.closed {
            return None;
        }
        let (id, agent) = match s.spare.pop_back() {
            Some((_, id, agent)) => (id, agent),
            None => {
                // Made under the lock, so that a `shut_down` running meanwhile reaches it.
                let agent = (self.make)();
                let id = s.next_id;
                s.next_id += 1;
                s.all.push((id, agent.clone()));
                (id, agent)
            }
        };
        Some(Lent {
            agents: self,
            id,
            agent: Some(agent),
        })
    }

    fn give_back(&self, id: u64, agent: Agent) {
        let now = Instant::now();
        let mut expired = Vec::new();
        let mut s = lock(&self.state);
        s.spare.push_back((now, id, agent));
        // The oldest spare agents come first: drop those unused for `idle`, with their connection.
        while let Some((since, old, _)) = s.spare.front()
            && now.duration_since(*since) >= self.idle
        {
            let old = *old;
            expired.extend(s.spare.pop_front().map(|(_, _, a)| a));
            if let Some(i) = s.all.iter().position(|(id, _)| *id == old) {
                expired.push(s.all.swap_remove(i).1);
            }
        }
        drop(s);
        // Closing their sockets happens here, outside the lock.
        drop(expired);
    }

    /// Closes every connection, interrupting the attempts in progress at once; `lend` refuses
    /// from now on.
    pub fn shut_down(&self) {
        let all: Vec<Agent> = {
            let mut s = lock(&self.state);
            s.closed = true;
            s.all.iter().map(|(_, a)| a.clone()).collect()
        };
        for agent in all {
            agent.shutdown();
        }
    }
}

/// One connector chain, or one resolver (and its cache), for every agent.
#[derive(Debug)]
struct Shared<T>(Arc<T>);

impl<C: Connector<()>> Connector<()> for Shared<C> {
    type Out = C::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<C::Out>, ureq::Error> {
        self.0.connect(details, chained)
    }
}

impl<R: Resolver> Resolver for Shared<R> {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        self.0.resolve(uri, config, timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::resolver::DefaultResolver;

    fn agents(idle: Duration) -> Agents {
        Agents::new(
            Agent::config_builder(),
            (),
            DefaultResolver::default(),
            idle,
        )
    }

    fn live(a: &Agents) -> (usize, usize) {
        let s = lock(&a.state);
        (s.spare.len(), s.all.len())
    }

    #[test]
    fn lends_the_agent_returned_last_and_makes_one_only_when_none_is_spare() {
        let a = agents(IDLE);
        let (first, second) = (a.lend().unwrap(), a.lend().unwrap());
        let (i1, i2) = (first.id, second.id);
        assert_ne!(i1, i2, "two attempts at once get two agents");
        drop(second);
        drop(first);
        assert_eq!(
            a.lend().unwrap().id,
            i1,
            "the one returned last comes first"
        );
        let x = a.lend().unwrap();
        let y = a.lend().unwrap();
        assert_eq!((x.id, y.id), (i1, i2), "then the other one");
        let z = a.lend().unwrap();
        assert!(z.id != i1 && z.id != i2, "a third at once is a new one");
        drop((x, y, z));
        assert_eq!(
            live(&a),
            (3, 3),
            "as many agents as attempts were in flight at once"
        );
    }

    #[test]
    fn drops_agents_unused_for_the_idle_period() {
        let a = agents(Duration::from_millis(20));
        let (old, other) = (a.lend().unwrap(), a.lend().unwrap());
        let kept = other.id;
        drop(old);
        std::thread::sleep(Duration::from_millis(40));
        drop(other);
        assert_eq!(live(&a), (1, 1), "the agent idle for longer was dropped");
        assert_eq!(a.lend().unwrap().id, kept);
    }

    #[test]
    fn refuses_to_lend_once_shut_down() {
        let a = agents(IDLE);
        let lent = a.lend().unwrap();
        a.shut_down();
        assert!(a.lend().is_none(), "no agent after the shutdown");
        drop(lent);
        assert!(a.lend().is_none(), "not even one given back");
    }
}
