package io.cleave.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PatternTests {

	@Test
	void parsesTheSamePatternWhateverTheOrderOfItsPairs() {
		assertThat(Pattern.parse("role:math,cmd:sum")).isEqualTo(Pattern.parse("cmd:sum,role:math"))
			.isEqualTo(Pattern.of(Map.of("cmd", "sum", "role", "math")));
		assertThat(Pattern.parse("role:math,cmd:sum").properties()).containsExactly(Map.entry("cmd", "sum"),
				Map.entry("role", "math"));
	}

	@Test
	void printsItsPairsSortedByNameAndParsesBackToItself() {
		Pattern pattern = Pattern.parse(" role : math , integer:true,cmd:sum ");
		assertThat(pattern).hasToString("cmd:sum,integer:true,role:math");
		assertThat(Pattern.parse(pattern.toString())).isEqualTo(pattern);
	}

	@Test
	void keepsColonsAfterTheFirstInTheValue() {
		assertThat(Pattern.parse("url:http://example.org").properties()).containsEntry("url", "http://example.org");
	}

	@Test
	void readsAnEmptyTextAsTheCatchAll() {
		assertThat(Pattern.parse("")).isEqualTo(Pattern.EMPTY);
		assertThat(Pattern.parse("  ").isEmpty()).isTrue();
		assertThat(Pattern.EMPTY).hasToString("");
	}

	@Test
	void isNotChangedByTheMapItWasMadeFrom() {
		var pairs = new HashMap<String, String>(Map.of("role", "math"));
		Pattern pattern = Pattern.of(pairs);
		pairs.put("cmd", "sum");
		assertThat(pattern.size()).isEqualTo(1);
		assertThatThrownBy(() -> pattern.properties().put("cmd", "sum"))
			.isInstanceOf(UnsupportedOperationException.class);
	}

	@ParameterizedTest(name = "''{0}'' -> {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
			role                 | pair 'role' is not of the form name:value
			role:math,,cmd:sum   | pair '' is not of the form name:value
			role:math,           | pair '' is not of the form name:value
			:math                | pair ':math' has no name
			role:                | 'role' has no value
			role:math,role:calc  | 'role' is given twice
			""")
	void rejectsMalformedTextSayingWhichPairIsWrong(String text, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> Pattern.parse(text))
			.withMessageStartingWith("Malformed pattern '%s'".formatted(text))
			.withMessageContaining(message);
	}

	@Test
	void rejectsNamesAndValuesItCouldNotPrintBack() {
		assertThatIllegalArgumentException().isThrownBy(() -> Pattern.of(Map.of("a,b", "1")))
			.withMessageContaining("must not contain ',' or ':' (got 'a,b')");
		assertThatIllegalArgumentException().isThrownBy(() -> Pattern.of(Map.of(" ", "1")))
			.withMessageContaining("name must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> Pattern.of(Map.of("a", "1,2")))
			.withMessageContaining("'a' has a value containing ','");
		assertThatIllegalArgumentException().isThrownBy(() -> Pattern.of(Map.of("a", "")))
			.withMessageContaining("'a' has no value");
	}
}
