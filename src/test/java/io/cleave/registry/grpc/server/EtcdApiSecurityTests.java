package io.cleave.registry.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;

import cleave.etcd.api.KVGrpc;
import cleave.etcd.api.PutRequest;
import cleave.etcd.api.RangeRequest;
import io.cleave.testing.CleaveNode;
import io.cleave.testing.TestCertificates;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;

/**
 * The etcd API's transport security: TLS with client certificates, checked with Debian's etcdctl and a grpc-java
 * client; plaintext refused on a non-loopback address unless marked insecure; and no port at all when disabled.
 */
class EtcdApiSecurityTests {

	@TempDir
	static Path directory;

	private static TestCertificates certificates;

	private static CleaveNode node;

	private static int port;

	@BeforeAll
	static void startANodeRequiringClientCertificates() {
		certificates = TestCertificates.createIn(directory.resolve("pki"));
		node = CleaveNode.start("tls-node", List.of(), "cleave.data-dir=" + directory.resolve("data"),
				"spring.main.web-application-type=none",
				"cleave.registry.etcd-api.tls.cert-file=" + certificates.serverCert(),
				"cleave.registry.etcd-api.tls.key-file=" + certificates.serverKey(),
				"cleave.registry.etcd-api.tls.trusted-ca-file=" + certificates.ca(),
				"cleave.registry.etcd-api.tls.client-cert-auth=true");
		port = node.bean(EtcdApiServer.class).port();
	}

	@AfterAll
	static void stopNode() {
		if (node != null) {
			node.close();
		}
	}

	@Test
	void etcdctlWithAClientCertificateOfTheTrustedCaReadsAndWrites() {
		Etcdctl etcdctl = Etcdctl.overTls(port, certificates.ca(), certificates.clientCert(), certificates.clientKey());

		assertThat(etcdctl.run("put", "/tls/etcdctl", "secret")).isEqualToIgnoringWhitespace("OK");
		assertThat(etcdctl.run("get", "/tls/etcdctl", "--print-value-only")).isEqualToIgnoringWhitespace("secret");
	}

	@Test
	void etcdctlWithoutAClientCertificateOrWithAStrangersIsRefused() {
		Etcdctl anonymous = Etcdctl.overTls(port, certificates.ca(), null, null);
		Etcdctl stranger = Etcdctl.overTls(port, certificates.ca(), certificates.strangerCert(),
				certificates.strangerKey());
		Etcdctl plaintext = new Etcdctl(port);

		// etcdctl retries a refused handshake until its command timeout: keep that short.
		assertThat(anonymous.attempt("", "put", "/tls/anonymous", "x", "--command-timeout=3s").exitCode()).isNotZero();
		assertThat(stranger.attempt("", "put", "/tls/stranger", "x", "--command-timeout=3s").exitCode()).isNotZero();
		assertThat(plaintext.attempt("", "put", "/tls/plaintext", "x", "--command-timeout=3s").exitCode()).isNotZero();
		assertThat(Etcdctl.overTls(port, certificates.ca(), certificates.clientCert(), certificates.clientKey())
				.run("get", "--prefix", "/tls/", "--keys-only")).doesNotContain("anonymous", "stranger", "plaintext");
	}

	@Test
	void aGrpcJavaClientWithAClientCertificateIsServedAndOneWithoutIsNot() throws IOException {
		ChannelCredentials trusted = TlsChannelCredentials.newBuilder()
				.trustManager(certificates.ca().toFile())
				.keyManager(certificates.clientCert().toFile(), certificates.clientKey().toFile())
				.build();
		ChannelCredentials anonymous = TlsChannelCredentials.newBuilder()
				.trustManager(certificates.ca().toFile())
				.build();

		withChannel(trusted, kv -> {
			kv.put(PutRequest.newBuilder().setKey(utf8("/tls/java")).setValue(utf8("v")).build());
			assertThat(kv.range(RangeRequest.newBuilder().setKey(utf8("/tls/java")).build()).getKvs(0).getValue())
					.isEqualTo(utf8("v"));
		});
		withChannel(anonymous, kv -> assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> kv.range(RangeRequest.newBuilder().setKey(utf8("/tls/java")).build()))
				.satisfies(refused -> assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE)));
		withChannel(InsecureChannelCredentials.create(), kv -> assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> kv.range(RangeRequest.newBuilder().setKey(utf8("/tls/java")).build())));
	}

	@Test
	void refusesToServePlaintextOnANonLoopbackAddressUnlessMarkedInsecure() {
		assertThatThrownBy(() -> CleaveNode.start("exposed", List.of(), "cleave.data-dir=" + directory.resolve("exposed"),
				"spring.main.web-application-type=none", "cleave.registry.etcd-api.address=0.0.0.0").close())
				.rootCause()
				.hasMessageContaining("cleave.registry.etcd-api")
				.hasMessageContaining("serves plaintext on a non-loopback address")
				.hasMessageContaining("cleave.registry.etcd-api.insecure=true");

		try (CleaveNode insecure = CleaveNode.start("insecure", List.of(),
				"cleave.data-dir=" + directory.resolve("insecure"), "spring.main.web-application-type=none",
				"cleave.registry.etcd-api.address=0.0.0.0", "cleave.registry.etcd-api.insecure=true")) {
			assertThat(new Etcdctl(insecure.bean(EtcdApiServer.class).port()).run("put", "/insecure", "on purpose"))
					.isEqualToIgnoringWhitespace("OK");
		}
	}

	@Test
	void aDisabledEtcdApiOpensNoPort() throws IOException {
		int unused;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			unused = probe.getLocalPort();
		}
		try (CleaveNode quiet = CleaveNode.start("quiet", List.of(), "cleave.data-dir=" + directory.resolve("quiet"),
				"spring.main.web-application-type=none", "cleave.registry.etcd-api.enabled=false",
				"cleave.registry.etcd-api.port=" + unused)) {
			assertThatExceptionOfType(NoSuchBeanDefinitionException.class)
					.isThrownBy(() -> quiet.bean(EtcdApiServer.class));
			assertThatExceptionOfType(ConnectException.class)
					.isThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), unused).close());
			// The registry itself is there all the same.
			assertThat(quiet.bean(io.cleave.registry.KeyValueStore.class).revision()).isPositive();
		}
	}

	private void withChannel(ChannelCredentials credentials, ChannelTest test) {
		ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials)
				.overrideAuthority("localhost")
				.build();
		try {
			test.run(KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
		}
		finally {
			channel.shutdownNow();
		}
	}

	private static ByteString utf8(String text) {
		return ByteString.copyFromUtf8(text);
	}

	@FunctionalInterface
	private interface ChannelTest {

		void run(KVGrpc.KVBlockingStub kv);
	}
}
