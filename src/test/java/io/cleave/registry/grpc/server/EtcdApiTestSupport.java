package io.cleave.registry.grpc.server;

import io.cleave.testing.FreshDataDirectory;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One running Cleave node for the etcd API's test classes, which share it: its etcd API on a free port, its store
 * in a fresh H2 file.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "cleave.registry.etcd-api.port=0")
abstract class EtcdApiTestSupport {

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-etcd-api-");
	}

	/** A plaintext channel to the shared node's etcd API, on loopback; the test class shuts it down. */
	static ManagedChannel plaintextChannel(EtcdApiServer server) {
		return Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create()).build();
	}
}
