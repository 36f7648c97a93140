<?php
// Reports what PHP made of a multipart upload of field "f".
header('Content-Type: text/plain');
$f = $_FILES['f'] ?? null;
if ($f === null) { echo "no file\n"; exit; }
echo "error=" . $f['error'] . "\n";
echo "name=" . $f['name'] . "\n";
echo "size=" . $f['size'] . "\n";
echo "md5=" . md5_file($f['tmp_name']) . "\n";
echo "field=" . ($_POST['note'] ?? '') . "\n";
