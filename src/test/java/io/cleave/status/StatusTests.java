package io.cleave.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class StatusTests {

	@Test
	void everyStatusIsFoundAgainByItsGrpcCode() {
		assertThat(Arrays.stream(Status.values()).map(status -> Status.ofCode(status.code())))
				.containsExactly(Status.values());
		assertThat(Status.NOT_FOUND.code()).isEqualTo(5);
		assertThat(Status.UNAUTHENTICATED.code()).isEqualTo(16);
	}

	@Test
	void aCodeGrpcDoesNotDefineReadsAsUnknown() {
		assertThat(Status.ofCode(17)).isEqualTo(Status.UNKNOWN);
		assertThat(Status.ofCode(-1)).isEqualTo(Status.UNKNOWN);
	}

	@Test
	void mapsToTheHttpStatusesOfDesignSection7() {
		assertThat(Status.INVALID_ARGUMENT.httpStatus()).isEqualTo(400);
		assertThat(Status.UNAUTHENTICATED.httpStatus()).isEqualTo(401);
		assertThat(Status.PERMISSION_DENIED.httpStatus()).isEqualTo(403);
		assertThat(Status.NOT_FOUND.httpStatus()).isEqualTo(404);
		assertThat(Status.ALREADY_EXISTS.httpStatus()).isEqualTo(409);
		assertThat(Status.ABORTED.httpStatus()).isEqualTo(409);
		assertThat(Status.FAILED_PRECONDITION.httpStatus()).isEqualTo(409);
		assertThat(Status.RESOURCE_EXHAUSTED.httpStatus()).isEqualTo(429);
		assertThat(Status.UNIMPLEMENTED.httpStatus()).isEqualTo(501);
		assertThat(Status.UNAVAILABLE.httpStatus()).isEqualTo(503);
		assertThat(Status.DEADLINE_EXCEEDED.httpStatus()).isEqualTo(504);
		assertThat(Status.INTERNAL.httpStatus()).isEqualTo(500);
	}

	@Test
	void aThrowableCarriesItsStatusOrReadsAsInternal() {
		assertThat(Status.of(new StatusException(Status.NOT_FOUND, "no key '123'"))).isEqualTo(Status.NOT_FOUND);
		assertThat(Status.of(new IllegalStateException("boom"))).isEqualTo(Status.INTERNAL);
		assertThat(Status.of(null)).isEqualTo(Status.INTERNAL);
	}
}
