package io.cleave.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A throw-away PKI made at test time, written as PEM files into a directory the test owns: a CA, a server
 * certificate for {@code 127.0.0.1}/{@code localhost}, a client certificate it signed, and a client certificate of
 * another CA that the server must refuse. Private keys are PKCS#8, which both grpc-java and Go's etcdctl read.
 */
public record TestCertificates(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey,
		Path strangerCert, Path strangerKey) {

	private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

	public static TestCertificates createIn(Path directory) {
		try {
			Issuer ca = Issuer.selfSigned("Cleave Test CA");
			Issuer otherCa = Issuer.selfSigned("Someone Else's CA");
			KeyPair server = keyPair();
			KeyPair client = keyPair();
			KeyPair stranger = keyPair();
			X509CertificateHolder serverCert = ca.issue("127.0.0.1", server, KeyPurposeId.id_kp_serverAuth,
					new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
							new GeneralName(GeneralName.dNSName, "localhost")}));
			X509CertificateHolder clientCert = ca.issue("cleave-test-client", client, KeyPurposeId.id_kp_clientAuth,
					null);
			X509CertificateHolder strangerCert = otherCa.issue("stranger", stranger, KeyPurposeId.id_kp_clientAuth,
					null);
			TestCertificates files = new TestCertificates(directory.resolve("ca.pem"),
					directory.resolve("server.pem"), directory.resolve("server-key.pem"),
					directory.resolve("client.pem"), directory.resolve("client-key.pem"),
					directory.resolve("stranger.pem"), directory.resolve("stranger-key.pem"));
			Files.createDirectories(directory);
			writePem(files.ca(), "CERTIFICATE", ca.certificate().getEncoded());
			writePem(files.serverCert(), "CERTIFICATE", serverCert.getEncoded());
			writeKey(files.serverKey(), server.getPrivate());
			writePem(files.clientCert(), "CERTIFICATE", clientCert.getEncoded());
			writeKey(files.clientKey(), client.getPrivate());
			writePem(files.strangerCert(), "CERTIFICATE", strangerCert.getEncoded());
			writeKey(files.strangerKey(), stranger.getPrivate());
			return files;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException | OperatorCreationException ex) {
			throw new IllegalStateException("could not make test certificates", ex);
		}
	}

	private static KeyPair keyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		return generator.generateKeyPair();
	}

	private static void writeKey(Path file, PrivateKey key) throws IOException {
		writePem(file, "PRIVATE KEY", key.getEncoded()); // PKCS#8
	}

	private static void writePem(Path file, String type, byte[] der) throws IOException {
		String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
		Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
	}

	private record Issuer(X500Name name, KeyPair keys, X509CertificateHolder certificate) {

		static Issuer selfSigned(String commonName) throws GeneralSecurityException, OperatorCreationException,
				IOException {
			KeyPair keys = keyPair();
			X500Name name = new X500Name("CN=" + commonName);
			Instant now = Instant.now();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
					Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name,
					keys.getPublic())
					.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
					.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			return new Issuer(name, keys, builder.build(signer(keys.getPrivate())));
		}

		X509CertificateHolder issue(String commonName, KeyPair subject, KeyPurposeId purpose,
				@Nullable GeneralNames alternativeNames)
				throws OperatorCreationException, IOException {
			Instant now = Instant.now();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
					Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
					new X500Name("CN=" + commonName), subject.getPublic())
					.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
					.addExtension(Extension.keyUsage, true,
							new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
					.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
			if (alternativeNames != null) {
				builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames);
			}
			return builder.build(signer(keys.getPrivate()));
		}

		private static ContentSigner signer(PrivateKey key)
				throws OperatorCreationException {
			return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
		}

		private static BigInteger serial() {
			return BigInteger.valueOf(SERIAL.incrementAndGet());
		}
	}
}
