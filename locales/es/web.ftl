# Páginas de la interfaz web (crates/web).

## Común
web-skip = Ir al contenido
web-rehearsal-clock = Servidor de ensayo: el reloj lo fija el operador y marca { $now }. Nada de lo que se hace aquí es un procedimiento real.
web-language = Idioma
web-institution = Mediación administrada

## Página pública de verificación
verify-title = Verificar un documento
verify-intro = Compruebe si un documento es un acuerdo de transacción o una certificación expedida por la institución. No se muestra nada más sobre el caso.
verify-id = Identificador de verificación
verify-id-hint = Figura en la certificación, por ejemplo 0A1B2C3D-4E5F6071-8293A4B5-C6D7E8F9.
verify-hash = Valor SHA-256 del documento
verify-hash-hint = 64 dígitos hexadecimales. El valor del acuerdo figura al pie de cada página del acuerdo; para un archivo del paquete de ejecución, calcúlelo con una herramienta como sha256sum.
verify-submit = Verificar
verify-match = Coincide: se trata { $document ->
    [attestation] de la certificación expedida
   *[settlement-agreement] del acuerdo de transacción certificado
} con este identificador de verificación el { $date }.
verify-no-match = No coincide: el valor indicado no corresponde a ningún documento certificado con este identificador de verificación. Compruebe ambos, carácter por carácter.
verify-error-id = Introduzca el identificador de verificación.
verify-error-hash = Introduzca el valor SHA-256 como 64 dígitos hexadecimales (0–9, a–f).
verify-result = Resultado
