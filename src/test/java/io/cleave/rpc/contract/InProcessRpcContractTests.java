package io.cleave.rpc.contract;

import io.cleave.CleaveProperties;
import io.cleave.testing.FreshDataDirectory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The RPC contract in one JVM: the injected interface calls the implementation through the endpoint chain. */
@SpringBootTest(properties = { "cleave.registry.etcd-api.port=0", "spring.jmx.enabled=false" })
class InProcessRpcContractTests extends RpcContract {

	@DynamicPropertySource
	static void dataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "rpc-inproc");
	}

	@Autowired
	ContractService contract;

	@Autowired
	ApplicationContext context;

	@Autowired
	CleaveProperties cleave;

	@Override
	protected ContractService client() {
		return contract;
	}

	@Override
	protected String callerNode() {
		return cleave.node().name();
	}

	@Override
	protected int attemptsServed(String key) {
		return attemptsIn(context, key);
	}

	@Override
	protected boolean abandonsCallsAtTheirDeadline() {
		return false;
	}

	@Override
	protected boolean retriesIdempotentCalls() {
		return false;
	}
}
