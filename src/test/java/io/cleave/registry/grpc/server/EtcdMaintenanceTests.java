package io.cleave.registry.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Put;
import cleave.etcd.api.AlarmRequest;
import cleave.etcd.api.HashKVRequest;
import cleave.etcd.api.HashKVResponse;
import cleave.etcd.api.HashRequest;
import cleave.etcd.api.MaintenanceGrpc;
import cleave.etcd.api.StatusRequest;
import cleave.etcd.api.StatusResponse;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * etcd's Maintenance service tells the truth about the store: its real size on disk, and hashes that consistency
 * checkers can compare — the same for the same content, unmoved by later writes, changed by any write they cover.
 */
class EtcdMaintenanceTests extends EtcdApiTestSupport {

	private final ManagedChannel channel;

	private final MaintenanceGrpc.MaintenanceBlockingStub maintenance;

	private final Etcdctl etcdctl;

	private final String prefix = "/maintenance/" + UUID.randomUUID() + "/";

	@Autowired
	KeyValueStore kv;

	EtcdMaintenanceTests(@Autowired EtcdApiServer server) {
		this.channel = plaintextChannel(server);
		this.maintenance = MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
		this.etcdctl = new Etcdctl(server.port());
	}

	@AfterEach
	void closeChannel() throws InterruptedException {
		channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void statusReportsTheDatabasesSizeAndTheSizeInUseAndEndpointStatusShowsThem() {
		StatusResponse before = maintenance.status(StatusRequest.getDefaultInstance());
		for (int i = 0; i < 20; i++) {
			kv.put(Put.of(prefix + "bulk-" + i, "x".repeat(50_000)));
		}
		StatusResponse after = maintenance.status(StatusRequest.getDefaultInstance());

		assertThat(before.getDbSize()).isPositive();
		assertThat(after.getDbSize()).as("1 MB written").isGreaterThan(before.getDbSize() + 500_000);
		assertThat(after.getDbSizeInUse()).isPositive().isLessThanOrEqualTo(after.getDbSize());

		JsonNode status = JsonMapper.builder().build().readTree(etcdctl.run("endpoint", "status", "-w", "json"))
				.get(0).path("Status");
		assertThat(status.path("dbSize").asLong()).isGreaterThanOrEqualTo(after.getDbSize());
		assertThat(status.path("dbSizeInUse").asLong()).isPositive();
	}

	@Test
	void hashKvOfARevisionStaysTheSameWhileLaterRevisionsAreWrittenAndChangesWithTheContent() {
		long first = kv.put(Put.of(prefix + "a", "1")).revision();
		HashKVResponse atFirst = hashKv(first);

		long second = kv.put(Put.of(prefix + "a", "2")).revision();

		assertThat(hashKv(first).getHash()).as("later writes leave an earlier revision's hash alone")
				.isEqualTo(atFirst.getHash());
		assertThat(hashKv(second).getHash()).isNotEqualTo(atFirst.getHash());
		HashKVResponse now = hashKv(0);
		assertThat(hashKv(now.getHeader().getRevision()).getHash()).as("0 is the current revision")
				.isEqualTo(now.getHash());
		assertThat(atFirst.getHeader().getRevision()).as("the header names the current revision").isGreaterThanOrEqualTo(first);
	}

	@Test
	void hashKvOfAFutureRevisionFailsAsEtcdDoes() {
		assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> hashKv(kv.revision() + 1000))
				.satisfies(failure -> {
					assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
					assertThat(failure.getStatus().getDescription())
							.isEqualTo("etcdserver: mvcc: required revision is a future revision");
				});
	}

	@Test
	void etcdctlChecksHashesAndHashChangesWithEveryWrite() {
		kv.put(Put.of(prefix + "h", "1"));
		String hashes = etcdctl.run("endpoint", "hashkv", "-w", "json");
		JsonNode hashKv = JsonMapper.builder().build().readTree(hashes).get(0).path("HashKV");
		assertThat(hashKv.path("hash").asLong()).isNotZero();

		int before = maintenance.hash(HashRequest.getDefaultInstance()).getHash();
		kv.put(Put.of(prefix + "h", "2"));
		assertThat(maintenance.hash(HashRequest.getDefaultInstance()).getHash()).isNotEqualTo(before);
	}

	@Test
	void noAlarmIsEverRaised() {
		assertThat(maintenance.alarm(AlarmRequest.getDefaultInstance()).getAlarmsList()).isEmpty();
		assertThat(etcdctl.run("alarm", "list")).isBlank();
	}

	private HashKVResponse hashKv(long revision) {
		return maintenance.hashKV(HashKVRequest.newBuilder().setRevision(revision).build());
	}
}
