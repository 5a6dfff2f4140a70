package io.cleave.rpc.grpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.Status;

/**
 * gRPC's view of a {@link RecordCodec}: records out as protobuf bytes, protobuf bytes in as records. A message that
 * does not parse is read as {@link Malformed}, which the server refuses with {@code INVALID_ARGUMENT} naming what was
 * wrong (and the client reports as {@code INTERNAL}).
 */
final class RecordMarshaller implements Marshaller<Object> {

	private final RecordCodec<?> codec;

	RecordMarshaller(RecordCodec<?> codec) {
		this.codec = codec;
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public InputStream stream(Object value) {
		return new Encoded(((RecordCodec) codec).encode(value));
	}

	@Override
	public Object parse(InputStream stream) {
		try {
			byte[] bytes = stream instanceof Encoded encoded ? encoded.bytes() : stream.readAllBytes();
			return codec.decode(bytes);
		}
		catch (InvalidProtocolBufferException ex) {
			// Returned, not thrown: gRPC reports a marshaller's exception as UNKNOWN, whatever status it carries
			return new Malformed("malformed " + codec.type().getSimpleName() + " message: " + ex.getMessage());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** What a message that does not parse is read as; the server answers it with INVALID_ARGUMENT. */
	record Malformed(String description) {

		io.grpc.StatusRuntimeException asStatus(Status status) {
			return status.withDescription(description).asRuntimeException();
		}
	}

	/** Encoded bytes whose length gRPC knows up front, drained straight into its buffer. */
	private static final class Encoded extends ByteArrayInputStream implements KnownLength, Drainable {

		Encoded(byte[] bytes) {
			super(bytes);
		}

		byte[] bytes() {
			return pos == 0 ? buf : readAllBytes();
		}

		@Override
		public int drainTo(OutputStream target) throws IOException {
			int length = available();
			target.write(buf, pos, length);
			pos = count;
			return length;
		}
	}
}
