package io.cleave.registry.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Debian's {@code etcdctl} 3.4, the real binary, against the etcd API of a running Cleave: every command the
 * issue names, with etcdctl's own output. Each test writes under a prefix of its own.
 */
class EtcdctlTests extends EtcdApiTestSupport {

	private static final Pattern REVISION = Pattern.compile("\"revision\":(\\d+)");

	private static final Pattern LEASE_GRANTED = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\((\\d+)s\\)");

	private final Etcdctl etcdctl;

	private final String prefix = "/etcdctl/" + UUID.randomUUID() + "/";

	EtcdctlTests(@Autowired EtcdApiServer server) {
		this.etcdctl = new Etcdctl(server.port());
	}

	@Test
	void putsAKeyAndGetsItBack() {
		assertThat(etcdctl.run("put", prefix + "greeting", "hello")).isEqualTo("OK\n");

		assertThat(etcdctl.run("get", prefix + "greeting")).isEqualTo(prefix + "greeting\nhello\n");
	}

	@Test
	void getsTheKeysUnderAPrefixInKeyOrderWithTheirValuesOrKeysOnlyOrUpToALimit() {
		etcdctl.run("put", prefix + "b", "2");
		etcdctl.run("put", prefix + "a", "1");
		etcdctl.run("put", prefix + "c", "3");
		etcdctl.run("put", prefix.substring(0, prefix.length() - 1) + "0", "beside the prefix");

		assertThat(etcdctl.run("get", "--prefix", prefix))
				.isEqualTo(lines(prefix + "a", "1", prefix + "b", "2", prefix + "c", "3"));
		assertThat(etcdctl.run("get", "--prefix", "--keys-only", prefix))
				.isEqualTo(lines(prefix + "a", "", prefix + "b", "", prefix + "c", ""));
		assertThat(etcdctl.run("get", "--prefix", "--limit=2", prefix))
				.isEqualTo(lines(prefix + "a", "1", prefix + "b", "2"));
	}

	@Test
	void getsAKeyAsItWasAtAPastRevision() {
		long first = revisionOf(etcdctl.run("put", "-w", "json", prefix + "k", "first"));
		etcdctl.run("put", prefix + "k", "second");

		assertThat(etcdctl.run("get", "--rev=" + first, prefix + "k")).isEqualTo(lines(prefix + "k", "first"));
		assertThat(etcdctl.run("get", prefix + "k")).isEqualTo(lines(prefix + "k", "second"));
	}

	@Test
	void deletesAKeyShowingWhatItHeldThenEveryKeyUnderAPrefix() {
		etcdctl.run("put", prefix + "a", "1");
		etcdctl.run("put", prefix + "b", "2");
		etcdctl.run("put", prefix + "c", "3");

		assertThat(etcdctl.run("del", "--prev-kv", prefix + "a")).isEqualTo(lines("1", prefix + "a", "1"));
		assertThat(etcdctl.run("del", "--prefix", prefix)).isEqualTo("2\n");
		assertThat(etcdctl.run("get", "--prefix", prefix)).isEmpty();
	}

	@Test
	void runsATxnsSuccessOpsWhenItsComparesHoldAndItsFailureOpsWhenOneDoesNot() {
		etcdctl.run("put", prefix + "lock", "free");
		String txn = """
				value("%1$slock") = "free"
				version("%1$slock") = "1"

				put %1$slock taken
				get %1$slock

				put %1$sresult lost

				""".formatted(prefix);

		assertThat(etcdctl.runWithInput(txn, "txn")).isEqualTo(lines("SUCCESS", "", "OK", "", prefix + "lock", "taken"));
		assertThat(etcdctl.runWithInput(txn, "txn")).isEqualTo(lines("FAILURE", "", "OK"));
		assertThat(etcdctl.run("get", prefix + "result")).isEqualTo(lines(prefix + "result", "lost"));
	}

	@Test
	void watchPrintsEachPutAndDeleteUnderAPrefixAsItHappens() throws Exception {
		long from = revisionOf(etcdctl.run("put", "-w", "json", prefix + "start", "")) + 1;
		// From the next revision on: nothing is missed even if a write beats the watch's start.
		try (Etcdctl.Background watch = etcdctl.background("watch", "--prefix", "--rev=" + from, prefix)) {
			etcdctl.run("put", prefix + "a", "1");
			etcdctl.run("put", prefix + "b", "2");
			etcdctl.run("del", prefix + "a");

			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(watch.lines()).containsExactly(
					"PUT", prefix + "a", "1",
					"PUT", prefix + "b", "2",
					"DELETE", prefix + "a", ""));
		}
	}

	@Test
	void watchWithPrevKvReplaysHistoryFromAPastRevision() throws Exception {
		long from = revisionOf(etcdctl.run("put", "-w", "json", prefix + "a", "1"));
		etcdctl.run("put", prefix + "a", "2");

		try (Etcdctl.Background watch = etcdctl.background("watch", "--prefix", "--prev-kv", "--rev=" + from, prefix)) {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(watch.lines()).containsExactly(
					"PUT", prefix + "a", "1",
					"PUT", prefix + "a", "1", prefix + "a", "2"));
		}
	}

	@Test
	void aWatchOrGetFromACompactedRevisionIsRefusedSayingSo() {
		long old = revisionOf(etcdctl.run("put", "-w", "json", prefix + "k", "old"));
		long now = revisionOf(etcdctl.run("put", "-w", "json", prefix + "k", "new"));

		assertThat(etcdctl.run("compaction", String.valueOf(now))).isEqualTo("compacted revision " + now + "\n");

		Etcdctl.Result watch = etcdctl.attempt("", "watch", "--rev=" + old, prefix + "k");
		assertThat(watch.exitCode()).isNotZero();
		assertThat(watch.errors()).startsWith(
				"watch was canceled (etcdserver: mvcc: required revision has been compacted)\n");
		assertThat(etcdctl.attempt("", "get", "--rev=" + old, prefix + "k").errors())
				.contains("etcdserver: mvcc: required revision has been compacted");
	}

	@Test
	void grantsALeaseKeepsItAliveListsItsKeysAndRevokesItWithThem() {
		Matcher granted = LEASE_GRANTED.matcher(etcdctl.run("lease", "grant", "60"));
		assertThat(granted.find()).isTrue();
		String lease = granted.group(1);
		assertThat(granted.group(2)).isEqualTo("60");

		assertThat(etcdctl.run("put", "--lease=" + lease, prefix + "session", "alive")).isEqualTo("OK\n");
		assertThat(etcdctl.run("lease", "keep-alive", "--once", lease))
				.isEqualTo("lease " + lease + " keepalived with TTL(60)\n");
		assertThat(etcdctl.run("lease", "timetolive", "--keys", lease))
				.startsWith("lease " + lease + " granted with TTL(60s), remaining(")
				.endsWith("s), attached keys([" + prefix + "session])\n");
		assertThat(etcdctl.run("lease", "list")).contains(lease);

		assertThat(etcdctl.run("lease", "revoke", lease)).isEqualTo("lease " + lease + " revoked\n");
		assertThat(etcdctl.run("get", prefix + "session")).isEmpty();
		assertThat(etcdctl.run("lease", "timetolive", lease)).isEqualTo("lease " + lease + " already expired\n");
	}

	@Test
	void keepAliveStreamRenewsALeaseUntilStopped() throws Exception {
		Matcher granted = LEASE_GRANTED.matcher(etcdctl.run("lease", "grant", "30"));
		assertThat(granted.find()).isTrue();
		String lease = granted.group(1);

		try (Etcdctl.Background keepAlive = etcdctl.background("lease", "keep-alive", lease)) {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(keepAlive.lines())
					.contains("lease " + lease + " keepalived with TTL(30)"));
		}
		etcdctl.run("lease", "revoke", lease);
	}

	@Test
	void endpointStatusShowsOneMemberThatLeadsAtVersion340() {
		String status = etcdctl.run("endpoint", "status");

		assertThat(status).matches("127\\.0\\.0\\.1:\\d+, [0-9a-f]+, 3\\.4\\.0, [\\d.]+ [kMG]?B, true, false, 1, \\d+, \\d+, \\n");
	}

	@Test
	void reportsEtcdsErrorMessagesForBadInput() {
		assertThat(etcdctl.attempt("", "put", "", "value").errors()).contains("etcdserver: key is not provided");
		assertThat(etcdctl.attempt("", "put", "--lease=1234", prefix + "k", "v").errors())
				.contains("etcdserver: requested lease not found");
		assertThat(etcdctl.attempt("", "lease", "revoke", "1234").errors())
				.contains("etcdserver: requested lease not found");
		// The server answers a keep-alive for a missing lease with TTL 0, which etcd's client turns into this error.
		assertThat(etcdctl.attempt("", "lease", "keep-alive", "--once", "1234").errors())
				.contains("etcdserver: requested lease not found");
	}

	private static long revisionOf(String json) {
		Matcher revision = REVISION.matcher(json);
		assertThat(revision.find()).as("a revision in %s", json).isTrue();
		return Long.parseLong(revision.group(1));
	}

	private static String lines(String... lines) {
		return String.join("\n", lines) + "\n";
	}
}
