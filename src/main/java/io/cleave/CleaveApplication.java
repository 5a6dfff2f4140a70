package io.cleave;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.modulith.Modulithic;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * Cleave: one jar hosting every module, each of which can be moved to its own process by configuration.
 */
@Modulithic(systemName = "Cleave")
@SpringBootApplication
@EnableConfigurationProperties(CleaveProperties.class)
@EnableAsync // @ApplicationModuleListener delivers events after commit, off the publishing thread
public class CleaveApplication {

	public static void main(String[] args) {
		SpringApplication.run(CleaveApplication.class, args);
	}
}
