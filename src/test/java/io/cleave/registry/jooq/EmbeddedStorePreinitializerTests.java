package io.cleave.registry.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;
import org.springframework.core.io.support.SpringFactoriesLoader;

class EmbeddedStorePreinitializerTests {

	@Test
	void bootsBackgroundThreadFindsIt() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(BackgroundPreinitializer.class))
			.hasAtLeastOneElementOfType(EmbeddedStorePreinitializer.class);
	}

	@Test
	void itNeedsNoDatabase() {
		assertThatNoException().isThrownBy(new EmbeddedStorePreinitializer()::preinitialize);
	}
}
