<?php
http_response_code(404);
echo "custom not found\n";
